package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SeverityFacilityTest {

    @ParameterizedTest
    @CsvSource({
        "0,EMERGENCY", "emerg,EMERGENCY", "panic,EMERGENCY", "EMERGENCY,EMERGENCY",
        "alert,ALERT", "crit,CRITICAL", "critical,CRITICAL", "err,ERROR", "error,ERROR",
        "warning,WARNING", "warn,WARNING", "WARN,WARNING", "' notice ',NOTICE", "info,INFO",
        "informational,INFO", "7,DEBUG", "debug,DEBUG"})
    void severityAcceptsCodesNamesAndAliases(String text, Severity expected) {
        assertThat(Severity.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "0,KERN", "kern,KERN", "kernel,KERN", "user,USER", "mail,MAIL", "daemon,DAEMON", "auth,AUTH",
        "security,AUTH", "authpriv,AUTHPRIV", "AuthPriv,AUTHPRIV", "syslog,SYSLOG", "cron,CRON", "ftp,FTP",
        "ntp,NTP", "audit,AUDIT", "console,ALERT", "clock,CLOCK", "local0,LOCAL0", "LOCAL7,LOCAL7", "23,LOCAL7"})
    void facilityAcceptsCodesNamesAndAliases(String text, Facility expected) {
        assertThat(Facility.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "8", "-1", "warnings", "local8"})
    void unknownSeverityNamesTheValueAndTheChoices(String text) {
        assertThatThrownBy(() -> Severity.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("emerg");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "24", "local8", "mark"})
    void unknownFacilityNamesTheValueAndTheChoices(String text) {
        assertThatThrownBy(() -> Facility.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("local0");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 24, 100})
    void facilityCodesOutsideRangeAreRefused(int code) {
        assertThatThrownBy(() -> Facility.of(code)).hasMessageContaining("0..23");
    }

    @ParameterizedTest
    @CsvSource({"0,0,0", "4,2,34", "23,7,191", "16,6,134"})
    void priorityIsFacilityTimesEightPlusSeverity(int facility, int severity, int pri) {
        assertThat(Facility.of(facility).priority(Severity.of(severity))).isEqualTo(pri);
        Event e = Event.builder().priority(pri).build();
        assertThat(e.facility().code()).isEqualTo(facility);
        assertThat(e.severity().code()).isEqualTo(severity);
        assertThat(e.priority()).isEqualTo(pri);
    }
}
