package io.sluice.filter.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.Event;
import io.sluice.api.EventSigner;
import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HmacVerifyTest {
    @TempDir
    Path dir;

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OTHER = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

    private EventFilter filter(Map<String, String> named) throws Exception {
        Path keys = dir.resolve("hmac.keys");
        Files.writeString(keys, "# keys\n2026-11 = " + Base64.getEncoder().encodeToString(SECRET) + "\n");
        Map<String, String> args = new java.util.HashMap<>(named);
        args.putIfAbsent("keys", keys.toString());
        return new HmacVerify().create(new FilterArguments("hmac_verify", List.of(), args));
    }

    private static Event event() {
        return Event.builder().timegenerated(Instant.EPOCH).host("web-1").appName("api").message("pay 10 EUR").build();
    }

    @Test
    void aValidSignatureMatchesATamperedOneIsDroppedAndAnUnknownKeyToo() throws Exception {
        EventFilter f = filter(Map.of());
        Event signed = EventSigner.builder().key("2026-11", SECRET).build().sign(event());
        assertThat(f.filter(signed).matched()).isTrue();
        assertThat(f.filter(signed).dropped()).isFalse();

        Event tampered = signed.toBuilder().message("pay 1000 EUR").build();
        assertThat(f.filter(tampered).dropped()).isTrue();

        Event foreign = EventSigner.builder().key("rogue", OTHER).build().sign(event());
        assertThat(f.filter(foreign).dropped()).isTrue();

        Event forged = EventSigner.builder().key("2026-11", OTHER).build().sign(event());
        assertThat(f.filter(forged).dropped()).as("right key id, wrong secret").isTrue();
    }

    @Test
    void unsignedEventsPassUnlessTheyAreToBeDropped() throws Exception {
        assertThat(filter(Map.of()).filter(event()).matched()).isFalse();
        assertThat(filter(Map.of()).filter(event()).dropped()).isFalse();
        assertThat(filter(Map.of("unsigned", "drop")).filter(event()).dropped()).isTrue();
    }

    @Test
    void aMissingOrBadKeysFileIsRefusedWhenTheChainLoads() throws Exception {
        assertThatThrownBy(() -> filter(Map.of("keys", dir.resolve("none.keys").toString())))
                .hasMessageContaining("cannot read the keys file");
        Path shortKey = dir.resolve("short.keys");
        Files.writeString(shortKey, "k = " + Base64.getEncoder().encodeToString(new byte[8]) + "\n");
        assertThatThrownBy(() -> filter(Map.of("keys", shortKey.toString()))).hasMessageContaining("short.keys:1:");
        Path notBase64 = dir.resolve("bad.keys");
        Files.writeString(notBase64, "\nk = ***\n");
        assertThatThrownBy(() -> filter(Map.of("keys", notBase64.toString())))
                .hasMessageContaining("bad.keys:2: the secret is not base64");
        assertThatThrownBy(() -> filter(Map.of("unsigned", "maybe"))).hasMessageContaining("unsigned must be pass or drop");
    }
}
