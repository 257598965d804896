package io.sluice.shipper.pgsql;

import io.sluice.api.Event;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import io.sluice.api.component.EventShipper;
import io.sluice.api.component.SluiceComponent;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships events to PostgreSQL (docs/pgsql.md): each batch is copied (COPY) into a session's staging
 * table and inserted into the partitioned {@code events} table in one transaction, a duplicate event
 * id ignored (at least once upstream, exactly one row here); the batch completes only after COMMIT.
 * PostgreSQL down, restarting or read-only: the batch fails, nothing is acknowledged, and the next
 * attempt waits a bounded back-off. A row PostgreSQL refuses (a NUL byte, say) is found by halving
 * the batch, and goes with its error to the {@code dead_letters} table; the rest of the batch is
 * written. One per factory configuration {@code etc/io.sluice.shipper.pgsql-NAME.cfg}.
 */
@Component(service = {EventShipper.class, SluiceComponent.class}, property = {SluiceComponent.STOPPABLE_PROPERTY + ":Boolean=true", SluiceComponent.SERVICE_PROPERTY + "=postgresql"}, configurationPid = "io.sluice.shipper.pgsql",
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = PgShipper.Config.class, factory = true)
public class PgShipper implements EventShipper {
    private static final Logger LOG = LoggerFactory.getLogger(PgShipper.class);
    private static final long MIN_BACKOFF_MS = 100;

    @ObjectClassDefinition(name = "Sluice PostgreSQL shipper", description = "Writes events to PostgreSQL.")
    public @interface Config {
        @AttributeDefinition(description = "Name in sluice:status; also the consumer group on its stream. Empty: "
                + "pgsql-<configuration name>.")
        String name() default "";

        @AttributeDefinition(description = "false stops the shipper (it takes no events; they wait in its stream) "
                + "while keeping its configuration; the web page and console set it to stop and start it.")
        boolean enabled() default true;

        @AttributeDefinition(description = "The stream consumed: events, or a stream the router filter feeds.")
        String stream() default "events";

        @AttributeDefinition(description = "JDBC URL of the database.")
        String url() default "jdbc:postgresql://127.0.0.1:5432/sluice";

        @AttributeDefinition(description = "Database user.")
        String user() default "sluice";

        @AttributeDefinition(description = "Password; empty for none (trust or peer authentication).",
                type = AttributeType.PASSWORD)
        String password() default "";

        @AttributeDefinition(description = "Schema of Sluice's tables (created and migrated by the shipper).")
        String schema() default "sluice";

        @AttributeDefinition(description = "Events per batch (one transaction).", min = "1")
        int batchSize() default 5000;

        @AttributeDefinition(description = "Connections, hence batches written at once.", min = "1", max = "64")
        int connections() default 2;

        @AttributeDefinition(description = "Days of events kept: older daily partitions are dropped, and an event "
                + "reporting a time that much older than its arrival (or more than a day after it) is filed at the time "
                + "it was received. "
                + "0: keep everything.", min = "0")
        int retentionDays() default 30;

        @AttributeDefinition(description = "Keep a full-text index on the message (GIN, to_tsvector('simple', "
                + "message)): fast word searches, at about half the insert rate. Changing it creates or drops the "
                + "index when the shipper starts.")
        boolean fullTextIndex() default true;

        @AttributeDefinition(description = "Longest wait between two attempts while PostgreSQL fails, in ms.", min = "100")
        long maxBackoffMillis() default 5000;

        @AttributeDefinition(description = "Attempts at one row PostgreSQL refuses before it goes to the dead letters.",
                min = "1")
        int maxRowAttempts() default 2;

        @AttributeDefinition(description = "Socket timeout of a statement, in seconds: a server that stops answering "
                + "fails the batch after this long.", min = "1")
        int socketTimeoutSeconds() default 120;
    }

    private final Config config;
    private final String name;
    private final Schema schema;
    private final Clock clock;
    private final Counters counters = new Counters();
    private final ExecutorService writers;
    private final ScheduledExecutorService housekeeping;
    private final BlockingQueue<Connection> idle;
    private final Set<Connection> staged = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private final Object backoffLock = new Object();
    private final java.util.concurrent.atomic.LongAdder duplicates = new java.util.concurrent.atomic.LongAdder();
    private long backoffMs;
    private long nextAttempt;
    private volatile boolean migrated;
    private volatile boolean closed;
    private volatile ComponentState state = ComponentState.STARTING;
    private volatile String detail = "connecting";

    @Activate
    public PgShipper(Config config, Map<String, Object> props) {
        this(config, props, Clock.systemUTC());
    }

    PgShipper(Config config, Map<String, Object> props, Clock clock) {
        this.config = config;
        this.name = io.sluice.api.component.ComponentNames.of(config.name(), props, "pgsql");
        this.schema = new Schema(config.schema().strip());
        this.clock = clock;
        this.idle = new ArrayBlockingQueue<>(config.connections());
        AtomicInteger n = new AtomicInteger();
        this.writers = Executors.newFixedThreadPool(config.connections(), r -> {
            Thread t = new Thread(r, "sluice-pgsql-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-pgsql-" + name + "-retention");
            t.setDaemon(true);
            return t;
        });
        if (config.retentionDays() > 0 && config.enabled()) {
            housekeeping.scheduleWithFixedDelay(this::dropExpired, 10, 3600, TimeUnit.SECONDS);
        }
        LOG.info("PostgreSQL shipper {}: {} schema {}, {} connection(s), batches of {}", name, config.url(),
                config.schema(), config.connections(), config.batchSize());
    }

    @Deactivate
    public void close() {
        closed = true;
        writers.shutdown();
        housekeeping.shutdownNow();
        try {
            writers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Connection c;
        while ((c = idle.poll()) != null) {
            quietly(c);
        }
        state = ComponentState.STOPPED;
        detail = "stopped";
    }

    @Override
    public CompletionStage<Void> ship(List<Event> events) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("PostgreSQL shipper " + name + " is stopped"));
        }
        counters.received.add(events.size());
        counters.queued.addAndGet(events.size());
        return CompletableFuture.runAsync(() -> {
            try {
                write(events);
            } finally {
                counters.queued.addAndGet(-events.size());
            }
        }, writers);
    }

    private void write(List<Event> events) {
        waitForBackoff();
        Connection c = null;
        try {
            c = borrow();
            int dead = insert(c, events, 1);
            giveBack(c);
            c = null;
            counters.published.add(events.size() - dead);
            counters.dropped.add(dead);
            counters.acked.add(events.size());
            succeeded();
        } catch (SQLException | RuntimeException e) {
            if (c != null) {
                discard(c);
            }
            counters.failed.add(events.size());
            failed(e);
            throw new CompletionException(e);
        }
    }

    /**
     * Writes {@code events} in one transaction; when PostgreSQL refuses a row, halves the batch and
     * tries each half, down to the row, which is tried {@code maxRowAttempts} times and then
     * dead-lettered. Returns the number of rows dead-lettered; throws on a failure of the server or
     * the connection (nothing of the batch is then acknowledged).
     */
    int insert(Connection c, List<Event> events, int attempt) throws SQLException {
        try {
            copy(c, events);
            return 0;
        } catch (SQLException e) {
            rollback(c);
            if (!isRowError(e)) {
                if ("42P01".equals(e.getSQLState()) || "23514".equals(e.getSQLState())) {
                    schema.forgetPartitions();
                }
                throw e;
            }
            if (events.size() > 1) {
                int half = events.size() / 2;
                return insert(c, events.subList(0, half), 1) + insert(c, events.subList(half, events.size()), 1);
            }
            if (attempt < config.maxRowAttempts()) {
                return insert(c, events, attempt + 1);
            }
            deadLetter(c, events.get(0), e);
            return 1;
        }
    }

    private void copy(Connection c, List<Event> events) throws SQLException {
        Duration maxAge = Duration.ofDays(config.retentionDays() > 0 ? config.retentionDays() : 3650);
        StringBuilder rows = new StringBuilder(events.size() * 256);
        Set<LocalDate> days = new TreeSet<>();
        for (Event e : events) {
            Instant t = Rows.time(e, maxAge);
            days.add(Schema.day(t));
            Rows.copyRow(rows, e, t);
        }
        schema.partitions(c, days);
        String data = rows.toString();
        // Fast path: COPY straight into the table. An event already there (a batch delivered again
        // after a failure or a crash) makes it fail with a unique violation: then the batch goes
        // through a staging table and INSERT ... ON CONFLICT DO NOTHING, which skips what is there.
        c.setAutoCommit(false);
        try {
            copyIn(c, "COPY " + schema.events() + " (" + Rows.COLUMNS + ") FROM STDIN", data);
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            rollback(c);
            copyWithoutDuplicates(c, data, events.size());
        }
        c.commit();
        counters.bytes.add(rows.length());
    }

    private void copyWithoutDuplicates(Connection c, String data, int rows) throws SQLException {
        if (!staged.contains(c)) {
            // committed on its own: a batch rolled back later must not take the table with it
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE IF NOT EXISTS sluice_staging (LIKE " + schema.events()
                        + ") ON COMMIT DELETE ROWS");
            }
            staged.add(c);
        }
        c.setAutoCommit(false);
        copyIn(c, "COPY pg_temp.sluice_staging (" + Rows.COLUMNS + ") FROM STDIN", data);
        try (Statement s = c.createStatement()) {
            int inserted = s.executeUpdate("INSERT INTO " + schema.events() + " (" + Rows.COLUMNS + ") SELECT "
                    + Rows.COLUMNS + " FROM pg_temp.sluice_staging ON CONFLICT DO NOTHING");
            duplicates.add(rows - inserted);
        }
    }

    private static void copyIn(Connection c, String sql, String data) throws SQLException {
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new StringReader(data));
        } catch (java.io.IOException e) {
            throw new SQLException("COPY failed: " + e.getMessage(), "08006", e);
        }
    }

    /** Events found already written (delivered again) and skipped, since the start. */
    long duplicates() {
        return duplicates.sum();
    }

    private void deadLetter(Connection c, Event e, SQLException why) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + schema.deadLetters()
                + " (event_id, sqlstate, error, event) VALUES (?, ?, ?, ?)")) {
            p.setString(1, e.id());
            p.setString(2, why.getSQLState());
            p.setString(3, String.valueOf(why.getMessage()).replace('\0', ' '));
            p.setBytes(4, Rows.eventJson(e).getBytes(StandardCharsets.UTF_8));
            p.executeUpdate();
            c.commit();
        } catch (SQLException x) {
            rollback(c);
            throw x;
        }
        LOG.warn("PostgreSQL shipper {}: event {} from host {} app {} refused by PostgreSQL ({} {}); moved to {}",
                name, e.id(), e.host(), e.appName(), why.getSQLState(), why.getMessage(), schema.deadLetters());
    }

    /**
     * Whether PostgreSQL refused the data of a row (a NUL byte, a value out of range, a missing
     * required value): only then is the batch halved to find the row and move it to the dead
     * letters. Anything else — the connection, the server, permissions, the schema changed under us,
     * a partition gone — fails the batch, which is tried again later; nothing is dead-lettered for it.
     */
    static boolean isRowError(SQLException e) {
        String st = e.getSQLState();
        if (st == null) {
            return false;
        }
        if (st.equals("23514") && String.valueOf(e.getMessage()).contains("no partition")) {
            return false; // a partition dropped or detached meanwhile: made again on the next attempt
        }
        return st.startsWith("22") // data exception: encoding, NUL, out of range, bad JSON text
                || st.equals("23502") // not null
                || st.equals("23514") // check constraint (a user's)
                || st.equals("54000"); // program limit exceeded (a row too large)
    }

    private Connection borrow() throws SQLException {
        Connection c = idle.poll();
        if (c != null && !c.isClosed()) {
            return c;
        }
        Properties p = new Properties();
        p.setProperty("user", config.user());
        if (!config.password().isEmpty()) {
            p.setProperty("password", config.password());
        }
        p.setProperty("ApplicationName", "sluice " + name);
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", Integer.toString(config.socketTimeoutSeconds()));
        p.setProperty("tcpKeepAlive", "true");
        // the driver itself, not DriverManager: in OSGi, DriverManager does not see other bundles' drivers
        c = new org.postgresql.Driver().connect(config.url(), p);
        if (c == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + config.url(), "08001");
        }
        if (!migrated) {
            try {
                prepare(c);
            } catch (SQLException | RuntimeException e) {
                quietly(c);
                throw e;
            }
        }
        return c;
    }

    /** Creates or migrates the schema, once, on the first connection that works. */
    private void prepare(Connection c) throws SQLException {
        if (!migrated) {
            synchronized (this) {
                if (!migrated) {
                    int before = schema.migrate(c);
                    if (before < Schema.VERSION) {
                        LOG.info("PostgreSQL shipper {}: schema {} {} version {}", name, config.schema(),
                                before == 0 ? "created at" : "migrated to", Schema.VERSION);
                    }
                    if (schema.fullText(c, config.fullTextIndex())) {
                        LOG.info("PostgreSQL shipper {}: full-text index on the message {}", name,
                                config.fullTextIndex() ? "created" : "dropped");
                    }
                    migrated = true;
                }
            }
        }
    }

    /** Drops the partitions past the retention (every hour; at once for tests). */
    void dropExpired() {
        Connection c = null;
        try {
            c = borrow();
            c.setAutoCommit(true);
            List<String> dropped = schema.dropBefore(c, keepFrom(clock.instant()));
            giveBack(c);
            c = null;
            if (!dropped.isEmpty()) {
                LOG.info("PostgreSQL shipper {}: dropped partitions older than {} days: {}", name,
                        config.retentionDays(), dropped);
            }
        } catch (SQLException | RuntimeException e) {
            if (c != null) {
                discard(c);
            }
            LOG.warn("PostgreSQL shipper {}: cannot drop expired partitions now: {}", name, e.getMessage());
        }
    }

    /** Retention: the first day kept. */
    private LocalDate keepFrom(Instant now) {
        return Schema.day(now).minusDays(config.retentionDays());
    }

    private void waitForBackoff() {
        long wait;
        synchronized (backoffLock) {
            wait = nextAttempt - System.currentTimeMillis();
        }
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void succeeded() {
        synchronized (backoffLock) {
            backoffMs = 0;
            nextAttempt = 0;
        }
        if (state == ComponentState.DEGRADED) {
            LOG.info("PostgreSQL shipper {}: writing to {} again", name, config.url());
        }
        state = ComponentState.RUNNING;
        detail = "writing to " + config.url() + " (schema " + config.schema() + ")";
    }

    private void failed(Exception e) {
        long wait;
        synchronized (backoffLock) {
            backoffMs = Math.min(config.maxBackoffMillis(), Math.max(MIN_BACKOFF_MS, backoffMs * 2));
            nextAttempt = System.currentTimeMillis() + backoffMs;
            wait = backoffMs;
        }
        String why = e instanceof SQLException s && s.getSQLState() != null ? s.getSQLState() + " " + e.getMessage()
                : String.valueOf(e.getMessage());
        if (state != ComponentState.DEGRADED) {
            LOG.warn("PostgreSQL shipper {}: cannot write ({}); events wait in the bus, retrying", name, why);
        }
        state = ComponentState.DEGRADED;
        detail = "cannot write to " + config.url() + ": " + why + "; next attempt in " + wait + " ms";
    }

    /** Back to the idle connections; closed when there is no room or the shipper is stopping. */
    private void giveBack(Connection c) {
        if (closed || !idle.offer(c)) {
            discard(c);
        }
    }

    private void discard(Connection c) {
        staged.remove(c);
        quietly(c);
    }

    private static void rollback(Connection c) {
        try {
            if (!c.isClosed() && !c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is gone: the caller finds out on its next use
        }
    }

    private static void quietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing a broken connection
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String stream() {
        return config.stream();
    }

    @Override
    public int maxBatch() {
        return config.batchSize();
    }

    @Override
    public int maxInFlight() {
        return config.connections();
    }

    @Override
    public ComponentState state() {
        if (!config.enabled()) {
            return ComponentState.STOPPED;
        }
        return state;
    }

    @Override
    public String stateDetail() {
        if (!config.enabled()) {
            return "stopped (enabled = false in its configuration): its events wait in stream " + stream();
        }
        return detail;
    }

    @Override
    public Counters counters() {
        return counters;
    }
}
