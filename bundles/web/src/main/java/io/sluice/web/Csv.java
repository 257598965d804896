package io.sluice.web;

import java.util.List;
import java.util.Map;

/** RFC 4180 lines of the export: every value quoted when it holds a comma, a quote or a line break. */
final class Csv {
    private static final String[] COLUMNS = {"time", "id", "severity", "facility", "host", "app_name", "procid", "msgid",
        "message"};

    private Csv() {
    }

    static String line(Map<String, Object> row) {
        StringBuilder sb = new StringBuilder();
        for (String c : COLUMNS) {
            Object v = row.get(c);
            field(sb, v == null ? "" : v.toString());
            sb.append(',');
        }
        Object tags = row.get("tags");
        field(sb, tags instanceof List<?> l ? String.join(" ", l.stream().map(String::valueOf).toList()) : "");
        return sb.append("\r\n").toString();
    }

    static void field(StringBuilder sb, String v) {
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            sb.append(v);
            return;
        }
        sb.append('"').append(v.replace("\"", "\"\"")).append('"');
    }
}
