package io.sluice.web;

import io.sluice.api.Event;
import io.sluice.api.Facility;
import io.sluice.api.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The conditions of a live tail, the same parameters as a search (docs/api.md) checked in memory
 * against each event as it becomes durable: host and app (any of), at least a severity, a facility,
 * tags (all of), fields (equal), and words (each must appear in the message, ignoring case).
 */
final class TailFilter {
    final String stream;
    private final List<String> hosts;
    private final List<String> apps;
    private final Integer severityAtMost;
    private final Integer facility;
    private final List<String> tags;
    private final Map<String, String> fields;
    private final List<String> words = new ArrayList<>();

    TailFilter(Map<String, String[]> params) {
        Map<String, String[]> rest = new LinkedHashMap<>(params);
        String[] s = rest.remove("stream");
        this.stream = s == null ? "events" : s[0];
        if (s != null && (s.length != 1 || !stream.matches("[a-z0-9][a-z0-9_.-]{0,63}"))) {
            throw new SearchQuery.BadRequest("'stream' must be one stream name, not '" + String.join(",", s) + "'");
        }
        for (String k : List.of("from", "to", "limit", "after", "buckets", "format")) {
            if (rest.containsKey(k)) {
                throw new SearchQuery.BadRequest("'" + k + "' has no meaning for a live tail");
            }
        }
        // the same checks and names as a search
        SearchQuery q = new SearchQuery(rest, java.time.Instant.now(), 1000);
        this.hosts = q.hosts;
        this.apps = q.apps;
        this.severityAtMost = q.severityAtMost;
        this.facility = q.facility;
        this.tags = q.tags;
        this.fields = q.fields;
        if (q.words != null) {
            for (String w : q.words.toLowerCase(Locale.ROOT).split("\\s+")) {
                if (!w.isEmpty()) {
                    words.add(w);
                }
            }
        }
    }

    /** An event as the tail sends it: the columns of a search result, from the event itself. */
    static Map<String, Object> json(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", e.time().toInstant().toString());
        m.put("id", e.id());
        m.put("received", e.timegenerated().toString());
        m.put("severity", e.severity() == null ? null : e.severity().keyword());
        m.put("facility", e.facility() == null ? null : e.facility().keyword());
        m.put("host", e.host());
        m.put("app_name", e.appName());
        m.put("procid", e.procId());
        m.put("msgid", e.msgId());
        m.put("message", e.message());
        m.put("fields", e.fields());
        m.put("tags", List.copyOf(e.tags()));
        return m;
    }

    boolean matches(Event e) {
        if (!hosts.isEmpty() && !hosts.contains(e.host())) {
            return false;
        }
        if (!apps.isEmpty() && !apps.contains(e.appName())) {
            return false;
        }
        Severity sev = e.severity();
        if (severityAtMost != null && (sev == null || sev.code() > severityAtMost)) {
            return false;
        }
        Facility fac = e.facility();
        if (facility != null && (fac == null || fac.code() != facility)) {
            return false;
        }
        if (!e.tags().containsAll(tags)) {
            return false;
        }
        for (Map.Entry<String, String> f : fields.entrySet()) {
            Object v = e.fields().get(f.getKey());
            if (v == null || !String.valueOf(v).equals(f.getValue())) {
                return false;
            }
        }
        if (!words.isEmpty()) {
            String m = e.message() == null ? "" : e.message().toLowerCase(Locale.ROOT);
            for (String w : words) {
                if (!m.contains(w)) {
                    return false;
                }
            }
        }
        return true;
    }
}
