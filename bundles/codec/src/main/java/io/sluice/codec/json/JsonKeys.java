package io.sluice.codec.json;

/** The keys of Sluice's JSON event format. */
final class JsonKeys {
    static final String ID = "id";
    static final String TIMEREPORTED = "timereported";
    static final String TIMEGENERATED = "timegenerated";
    static final String FACILITY = "facility";
    static final String SEVERITY = "severity";
    static final String HOST = "host";
    static final String APP_NAME = "app_name";
    static final String PROCID = "procid";
    static final String MSGID = "msgid";
    static final String MESSAGE = "message";
    static final String STRUCTURED_DATA = "structured_data";
    static final String TAGS = "tags";
    static final String FIELDS = "fields";
    static final String HMAC = "hmac";
    static final String HMAC_KEY_ID = "key_id";
    static final String HMAC_VALUE = "value";

    private JsonKeys() {
    }
}
