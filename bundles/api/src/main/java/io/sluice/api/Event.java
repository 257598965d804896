package io.sluice.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One log event as it travels through Sluice: the syslog header fields, RFC 5424 structured data,
 * tags, typed custom fields, a deterministic {@link #id() id} and an optional {@link #hmac() HMAC}.
 *
 * <p>Events are immutable and safe to share between threads. Make them with {@link #builder()} and
 * change them with {@link #toBuilder()}:
 *
 * <pre>{@code
 * Event e = Event.builder()
 *         .facility("local0").severity("warn")
 *         .host("web-1").appName("nginx").procId("812")
 *         .message("upstream timed out")
 *         .structuredData("origin@32473", "ip", "192.0.2.7")
 *         .tag("http")
 *         .field("status", 504)
 *         .build();
 * Event tagged = e.toBuilder().tag("alert").build();
 * }</pre>
 *
 * <p>Contract:
 * <ul>
 * <li>{@code timegenerated} (when Sluice received the event) is never null; the builder sets it to
 *     the current time when it is not given.</li>
 * <li>{@code timereported} (what the sender wrote) MAY be null when the sender gave none (RFC 5424
 *     NILVALUE); {@link #time()} then falls back to {@code timegenerated}.</li>
 * <li>{@code facility} and {@code severity} default to {@code user} and {@code notice}, the values
 *     RFC 3164 §4.3.3 gives a message without PRI.</li>
 * <li>Header strings ({@code host, appName, procId, msgId}) are null when absent, never "-".</li>
 * <li>{@code message} is never null (empty when absent).</li>
 * <li>Structured data keeps the order of SD-IDs, of params, and of repeated values of a param.</li>
 * <li>{@link #fields()} values are JSON-like: {@code String, Boolean, Long, Double, BigInteger,
 *     BigDecimal}, {@code List} and {@code Map<String, ?>} of those, or null. Other integral
 *     numbers are widened to {@code Long}, {@code Float} to {@code Double}; anything else is
 *     refused with {@link IllegalArgumentException}.</li>
 * </ul>
 */
public final class Event {
    private final OffsetDateTime timereported;
    private final Instant timegenerated;
    private final Severity severity;
    private final Facility facility;
    private final String host;
    private final String appName;
    private final String procId;
    private final String msgId;
    private final String message;
    private final Map<String, Map<String, List<String>>> structuredData;
    private final Set<String> tags;
    private final Map<String, Object> fields;
    private final Signature hmac;
    /** Computed on first use; a benign race computes the same value twice at worst. */
    private String id;
    /** The encoding this event was decoded from, if any (see EventBinary.decodeOwned); racy but idempotent. */
    private byte[] binary;

    private Event(Builder b) {
        this.timereported = b.timereported;
        this.timegenerated = b.timegenerated != null ? b.timegenerated : Instant.now();
        this.severity = b.severity;
        this.facility = b.facility;
        this.host = b.host;
        this.appName = b.appName;
        this.procId = b.procId;
        this.msgId = b.msgId;
        this.message = b.message == null ? "" : b.message;
        this.structuredData = b.structuredData == null ? Map.of() : SdCopy.readOnly(b.structuredData);
        this.tags = b.tags == null ? Set.of() : Collections.unmodifiableSet(b.tags);
        this.fields = b.fields == null ? Map.of() : Collections.unmodifiableMap(b.fields);
        this.hmac = b.hmac;
        this.id = b.id;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this event's values; building it unchanged yields an equal event. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.timereported = timereported;
        b.timegenerated = timegenerated;
        b.severity = severity;
        b.facility = facility;
        b.host = host;
        b.appName = appName;
        b.procId = procId;
        b.msgId = msgId;
        b.message = message;
        b.structuredData = structuredData.isEmpty() ? null : SdCopy.deep(structuredData);
        b.tags = tags.isEmpty() ? null : new LinkedHashSet<>(tags);
        b.fields = fields.isEmpty() ? null : new LinkedHashMap<>(fields);
        b.hmac = hmac;
        return b;
    }

    /**
     * The event's id: given to the builder, or else derived from the fields that identify an event
     * ({@link EventIds#compute(Event)}), so that the same event sent twice has the same id.
     */
    public String id() {
        String v = id;
        if (v == null) {
            v = EventIds.compute(this);
            id = v;
        }
        return v;
    }

    /** The explicit or already computed id, or null: lets encoders skip hashing. */
    byte[] binary() {
        return binary;
    }

    void binary(byte[] encoding) {
        this.binary = encoding;
    }

    String idIfKnown() {
        return id;
    }

    /** The time the sender wrote in the event, or null if it gave none. */
    public OffsetDateTime timereported() {
        return timereported;
    }

    /** The time Sluice received the event. */
    public Instant timegenerated() {
        return timegenerated;
    }

    /** {@link #timereported()} if known, else {@link #timegenerated()} at UTC. */
    public OffsetDateTime time() {
        return timereported != null ? timereported : timegenerated.atOffset(java.time.ZoneOffset.UTC);
    }

    public Severity severity() {
        return severity;
    }

    public Facility facility() {
        return facility;
    }

    /** The syslog PRI value, {@code facility * 8 + severity}. */
    public int priority() {
        return facility.priority(severity);
    }

    public String host() {
        return host;
    }

    public String appName() {
        return appName;
    }

    public String procId() {
        return procId;
    }

    public String msgId() {
        return msgId;
    }

    public String message() {
        return message;
    }

    /** SD-ID → param name → values, in the order received. Unmodifiable. */
    public Map<String, Map<String, List<String>>> structuredData() {
        return structuredData;
    }

    /** Unmodifiable, in insertion order. */
    public Set<String> tags() {
        return tags;
    }

    /** Unmodifiable, in insertion order. */
    public Map<String, Object> fields() {
        return fields;
    }

    /** The value of a custom field, or null. */
    public Object field(String name) {
        return fields.get(name);
    }

    /** The signature, or null if the event is not signed. */
    public Signature hmac() {
        return hmac;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Event e)) {
            return false;
        }
        return Objects.equals(timereported, e.timereported)
                && timegenerated.equals(e.timegenerated)
                && severity == e.severity
                && facility == e.facility
                && Objects.equals(host, e.host)
                && Objects.equals(appName, e.appName)
                && Objects.equals(procId, e.procId)
                && Objects.equals(msgId, e.msgId)
                && message.equals(e.message)
                && structuredData.equals(e.structuredData)
                && tags.equals(e.tags)
                && fields.equals(e.fields)
                && Objects.equals(hmac, e.hmac)
                && id().equals(e.id());
    }

    @Override
    public int hashCode() {
        return Objects.hash(timereported, timegenerated, severity, facility, host, appName, procId, msgId,
                message, structuredData, tags, fields, hmac);
    }

    @Override
    public String toString() {
        return "Event{id=" + id() + ", time=" + time() + ", " + facility.keyword() + "." + severity.keyword()
                + ", host=" + host + ", app=" + appName + ", procid=" + procId + ", msgid=" + msgId
                + (structuredData.isEmpty() ? "" : ", sd=" + structuredData)
                + (tags.isEmpty() ? "" : ", tags=" + tags)
                + (fields.isEmpty() ? "" : ", fields=" + fields)
                + ", message=" + message + "}";
    }

    /**
     * Collects an event's values. Not thread-safe. {@link #build()} may be called more than once;
     * later changes never affect events already built.
     */
    public static final class Builder {
        private String id;
        private OffsetDateTime timereported;
        private Instant timegenerated;
        private Severity severity = Severity.NOTICE;
        private Facility facility = Facility.USER;
        private String host;
        private String appName;
        private String procId;
        private String msgId;
        private String message;
        private LinkedHashMap<String, Map<String, List<String>>> structuredData;
        private LinkedHashSet<String> tags;
        private LinkedHashMap<String, Object> fields;
        private Signature hmac;
        /** Set when build() handed the collections to an event: copy before the next change. */
        private boolean shared;

        private Builder() {
        }

        /** Sets an explicit id instead of the derived one (e.g. an id carried over the wire). */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder timereported(OffsetDateTime time) {
            this.timereported = time;
            resetId();
            return this;
        }

        public Builder timegenerated(Instant time) {
            this.timegenerated = time;
            resetId();
            return this;
        }

        public Builder severity(Severity severity) {
            this.severity = Objects.requireNonNull(severity, "severity");
            resetId();
            return this;
        }

        /** @see Severity#of(int) */
        public Builder severity(int code) {
            return severity(Severity.of(code));
        }

        /** @see Severity#parse(String) */
        public Builder severity(String name) {
            return severity(Severity.parse(name));
        }

        public Builder facility(Facility facility) {
            this.facility = Objects.requireNonNull(facility, "facility");
            resetId();
            return this;
        }

        /** @see Facility#of(int) */
        public Builder facility(int code) {
            return facility(Facility.of(code));
        }

        /** @see Facility#parse(String) */
        public Builder facility(String name) {
            return facility(Facility.parse(name));
        }

        /**
         * Sets facility and severity from a PRI value, 0..191.
         *
         * @throws IllegalArgumentException outside 0..191
         */
        public Builder priority(int pri) {
            if (pri < 0 || pri > 191) {
                throw new IllegalArgumentException("priority (" + pri + ") is not in 0..191");
            }
            this.facility = Facility.of(pri >> 3);
            this.severity = Severity.of(pri & 7);
            resetId();
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            resetId();
            return this;
        }

        public Builder appName(String appName) {
            this.appName = appName;
            resetId();
            return this;
        }

        public Builder procId(String procId) {
            this.procId = procId;
            resetId();
            return this;
        }

        public Builder msgId(String msgId) {
            this.msgId = msgId;
            resetId();
            return this;
        }

        public Builder message(String message) {
            this.message = message;
            resetId();
            return this;
        }

        /** Appends one value to param {@code param} of SD-ID {@code sdId}, creating both as needed. */
        public Builder structuredData(String sdId, String param, String value) {
            Objects.requireNonNull(value, "value");
            sdElement(sdId).computeIfAbsent(Objects.requireNonNull(param, "param"), k -> new ArrayList<>(1))
                    .add(value);
            return this;
        }

        /** Adds an SD element with no params (valid in RFC 5424, e.g. {@code [exampleSDID@32473]}). */
        public Builder structuredDataElement(String sdId) {
            sdElement(sdId);
            return this;
        }

        /** Replaces all structured data with a deep copy of {@code sd}. */
        public Builder structuredData(Map<String, ? extends Map<String, ? extends List<String>>> sd) {
            beforeChange();
            structuredData = sd == null || sd.isEmpty() ? null : SdCopy.deep(sd);
            resetId();
            return this;
        }

        private Map<String, List<String>> sdElement(String sdId) {
            beforeChange();
            resetId();
            if (structuredData == null) {
                structuredData = new LinkedHashMap<>(4);
            }
            return structuredData.computeIfAbsent(Objects.requireNonNull(sdId, "sdId"), k -> new LinkedHashMap<>(4));
        }

        public Builder tag(String tag) {
            beforeChange();
            if (tags == null) {
                tags = new LinkedHashSet<>(4);
            }
            tags.add(Objects.requireNonNull(tag, "tag"));
            return this;
        }

        public Builder tags(Collection<String> more) {
            more.forEach(this::tag);
            return this;
        }

        public Builder removeTag(String tag) {
            beforeChange();
            if (tags != null) {
                tags.remove(tag);
            }
            return this;
        }

        /**
         * Sets a custom field. See the class comment for the accepted value types.
         *
         * @throws IllegalArgumentException for a value that is not JSON-like
         */
        public Builder field(String name, Object value) {
            Objects.requireNonNull(name, "name");
            Object v = FieldValues.normalize(name, value);
            beforeChange();
            if (fields == null) {
                fields = new LinkedHashMap<>(8);
            }
            fields.put(name, v);
            return this;
        }

        public Builder fields(Map<String, ?> more) {
            more.forEach(this::field);
            return this;
        }

        public Builder removeField(String name) {
            beforeChange();
            if (fields != null) {
                fields.remove(name);
            }
            return this;
        }

        public Builder hmac(Signature hmac) {
            this.hmac = hmac;
            return this;
        }

        /** The message set so far, or null. Parsers use it to fill in what is still missing. */
        public String message() {
            return message;
        }

        public Event build() {
            Event e = new Event(this);
            shared = true;
            return e;
        }

        private void resetId() {
            id = null;
        }

        private void beforeChange() {
            if (shared) {
                shared = false;
                if (structuredData != null) {
                    structuredData = SdCopy.deep(structuredData);
                }
                if (tags != null) {
                    tags = new LinkedHashSet<>(tags);
                }
                if (fields != null) {
                    fields = new LinkedHashMap<>(fields);
                }
            }
        }
    }

    /** Deep copies of structured data: outer and inner maps and value lists all new. */
    static final class SdCopy {
        private SdCopy() {
        }

        /** Read-only views at every level; the builder copies before it changes anything again. */
        static Map<String, Map<String, List<String>>> readOnly(LinkedHashMap<String, Map<String, List<String>>> sd) {
            LinkedHashMap<String, Map<String, List<String>>> view = new LinkedHashMap<>(sd.size() * 2);
            sd.forEach((id, params) -> {
                LinkedHashMap<String, List<String>> p = new LinkedHashMap<>(params.size() * 2);
                params.forEach((k, v) -> p.put(k, Collections.unmodifiableList(v)));
                view.put(id, Collections.unmodifiableMap(p));
            });
            return Collections.unmodifiableMap(view);
        }

        static LinkedHashMap<String, Map<String, List<String>>> deep(
                Map<String, ? extends Map<String, ? extends List<String>>> sd) {
            LinkedHashMap<String, Map<String, List<String>>> copy = new LinkedHashMap<>(sd.size() * 2);
            sd.forEach((id, params) -> {
                LinkedHashMap<String, List<String>> p = new LinkedHashMap<>(params.size() * 2);
                params.forEach((k, v) -> p.put(Objects.requireNonNull(k, "param"), new ArrayList<>(v)));
                copy.put(Objects.requireNonNull(id, "sdId"), p);
            });
            return copy;
        }
    }
}
