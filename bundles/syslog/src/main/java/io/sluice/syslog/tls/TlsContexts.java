package io.sluice.syslog.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server {@link SslContext} of one listener, rebuilt when its certificate, key or CA files
 * change: a renewed certificate is used by the next connection, without a restart. The files are
 * looked at (size and modification time) at most once a second, when a connection arrives. A
 * change that does not load (a half-written file, a key that does not match) is logged and the
 * previous context stays in use until the files are fixed.
 */
public final class TlsContexts {
    private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);
    private static final long CHECK_NANOS = 1_000_000_000L;

    private final String listener;
    private final TlsSettings settings;
    private SslContext context;
    private List<Object> stamp;
    private List<Object> failedStamp;
    private long checkedAt;

    /** Loads the files now; throws {@link IllegalArgumentException} naming the problem if they do not load. */
    public TlsContexts(String listener, TlsSettings settings) {
        this.listener = listener;
        this.settings = settings;
        this.stamp = stamp();
        try {
            this.context = build();
        } catch (Exception e) {
            throw new IllegalArgumentException("TLS: " + describe(e), e);
        }
        checkedAt = System.nanoTime();
    }

    public TlsSettings settings() {
        return settings;
    }

    /** The context for a new connection, reloaded first if the files changed. */
    public synchronized SslContext current() {
        long now = System.nanoTime();
        if (now - checkedAt >= CHECK_NANOS) {
            checkedAt = now;
            List<Object> s = stamp();
            if (!s.equals(stamp) && !s.equals(failedStamp)) {
                try {
                    context = build();
                    stamp = s;
                    failedStamp = null;
                    LOG.info("listener {}: TLS certificate reloaded from {}", listener, settings.certificate());
                } catch (Exception e) {
                    failedStamp = s;
                    LOG.error("listener {}: TLS files changed but do not load ({}); still using the previous "
                            + "certificate", listener, describe(e));
                }
            }
        }
        return context;
    }

    private SslContext build() throws IOException {
        SslContextBuilder b = SslContextBuilder.forServer(settings.certificate().toFile(), settings.key().toFile(),
                settings.keyPassword() == null || settings.keyPassword().isEmpty() ? null : settings.keyPassword())
                .sslProvider(SslProvider.JDK)
                .clientAuth(settings.clientAuth())
                .protocols(settings.protocols());
        if (settings.caCertificates() != null) {
            b.trustManager(settings.caCertificates().toFile());
        }
        if (!settings.ciphers().isEmpty()) {
            b.ciphers(settings.ciphers());
        }
        return b.build();
    }

    private List<Object> stamp() {
        List<Object> s = new ArrayList<>();
        for (Path p : new Path[] {settings.certificate(), settings.key(), settings.caCertificates()}) {
            if (p == null) {
                continue;
            }
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                s.add(a.lastModifiedTime().toMillis());
                s.add(a.size());
            } catch (IOException e) {
                s.add("missing " + p);
            }
        }
        return s;
    }

    private static String describe(Exception e) {
        Throwable t = e;
        StringBuilder b = new StringBuilder();
        while (t != null) {
            if (b.length() > 0) {
                b.append(": ");
            }
            b.append(Objects.requireNonNullElse(t.getMessage(), t.getClass().getSimpleName()));
            t = t.getCause() == t ? null : t.getCause();
        }
        return b.toString();
    }
}
