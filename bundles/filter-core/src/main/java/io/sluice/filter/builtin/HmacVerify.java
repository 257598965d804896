package io.sluice.filter.builtin;

import io.sluice.api.Event;
import io.sluice.api.EventSigner;
import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterFactory;
import io.sluice.api.filter.FilterResult;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hmac_verify(keys="sluice/hmac.keys", unsigned="pass")}: checks the HMAC-SHA256 an event
 * carries against the keys of a file ({@code keyid = base64 secret} per line, at least 16 bytes,
 * relative to Karaf's etc/). A valid signature matches. A signature that does not verify (the event
 * was changed) or names an unknown key drops the event and logs it, with its id, host, app and key
 * id, to the security log (logger {@code io.sluice.security}). Unsigned events pass (no match), or
 * are dropped the same way with {@code unsigned="drop"}. Put it first in a chain: the signature
 * covers the event as it was signed, so any change before it breaks it.
 */
@Component(service = FilterFactory.class)
public class HmacVerify implements FilterFactory {
    static final Logger SECURITY = LoggerFactory.getLogger("io.sluice.security");

    @Override
    public String name() {
        return "hmac_verify";
    }

    @Override
    public EventFilter create(FilterArguments args) {
        args.allowOnly("keys", "unsigned").atMostPositional(0);
        String unsigned = args.named("unsigned", "pass");
        if (!unsigned.equals("pass") && !unsigned.equals("drop")) {
            throw new IllegalArgumentException("unsigned must be pass or drop, not '" + unsigned + "'");
        }
        EventSigner signer = EventSigner.fromKeysFile(resolve(args.named("keys", "sluice/hmac.keys")));
        boolean dropUnsigned = unsigned.equals("drop");
        return e -> switch (signer.verify(e)) {
            case VALID -> FilterResult.matched(e);
            case UNSIGNED -> {
                if (!dropUnsigned) {
                    yield FilterResult.noMatch();
                }
                refuse(e, "is not signed");
                yield FilterResult.drop();
            }
            case UNKNOWN_KEY -> {
                refuse(e, "is signed with unknown key '" + e.hmac().keyId() + "'");
                yield FilterResult.drop();
            }
            case INVALID -> {
                refuse(e, "does not match its HMAC (key '" + e.hmac().keyId() + "'): changed after signing");
                yield FilterResult.drop();
            }
        };
    }

    private static void refuse(Event e, String why) {
        SECURITY.warn("event {} from host {} app {} {}; dropped", e.id(), e.host(), e.appName(), why);
    }

    static Path resolve(String file) {
        Path p = Path.of(file);
        String etc = System.getProperty("karaf.etc");
        return p.isAbsolute() || etc == null ? p : Path.of(etc).resolve(p);
    }

}
