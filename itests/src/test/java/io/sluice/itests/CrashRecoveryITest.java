package io.sluice.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.sluice.api.EventBinary;
import io.sluice.core.journal.Journal;
import io.sluice.core.journal.JournalConfig;
import io.sluice.core.journal.JournalRecord;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * SIGKILL in the middle of a stream: everything the receiver had journaled before the kill reaches
 * the output file after a restart; nothing is lost, duplicates are counted.
 */
public class CrashRecoveryITest {
    private static final int TOTAL = 100_000;
    private static final int KILL_AFTER = 45_000;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test(timeout = 300_000)
    public void everyJournaledMessageIsInTheOutputAfterSigkillAndRestart() throws Exception {
        Path work = tmp.getRoot().toPath();
        Path out = work.resolve("logs/all.log");
        try (KarafProcess karaf = KarafProcess.unpack(work.resolve("dist"))) {
            int port = karaf.listenOnFreePorts(work.resolve("log.sock")).tcp();
            karaf.setProperty("etc/io.sluice.syslog.tcp-main.cfg", "format", "rfc5424");
            karaf.shipAllTo(out, "template");
            // Small segments, so that the kill lands among segments being rolled, recycled and written over.
            karaf.setProperty("etc/io.sluice.core.cfg", "segmentBytes", "262144");
            karaf.start(port);

            AtomicInteger written = new AtomicInteger();
            Thread sender = new Thread(() -> send(port, written), "crash-test-sender");
            sender.start();
            await("sender passed " + KILL_AFTER).atMost(Duration.ofSeconds(120))
                    .until(() -> written.get() >= KILL_AFTER || !sender.isAlive());
            karaf.kill();
            sender.join(30_000);
            int sent = written.get();
            assertTrue("killed midway (" + sent + " written)", sent < TOTAL);

            // What was durable at the moment of the kill: still in a journal, or already in the file.
            BitSet journaled = new BitSet();
            Path journal = karaf.home.resolve("data/sluice/journal");
            readJournal(journal.resolve("ingest"), journaled);
            readJournal(journal.resolve("events"), journaled);
            BitSet beforeRestart = new BitSet();
            countLines(out, beforeRestart);
            journaled.or(beforeRestart);
            int k = journaled.cardinality();
            assertTrue("some messages were journaled before the kill: " + k, k > 1000);
            assertEquals("what was journaled is a prefix of what was sent (one connection, in order)",
                    journaled.nextClearBit(0), k);

            karaf.start(port);
            await("all " + k + " journaled messages in " + out).atMost(Duration.ofSeconds(120)).until(() -> {
                BitSet seen = new BitSet();
                countLines(out, seen);
                BitSet missing = (BitSet) journaled.clone();
                missing.andNot(seen);
                return missing.isEmpty();
            });
            BitSet seen = new BitSet();
            long lines = countLines(out, seen);
            assertTrue("no message that was never sent: " + seen.length(), seen.length() <= sent);
            long duplicates = lines - seen.cardinality();
            long recycled;
            try (var files = Files.list(journal.resolve("events"))) {
                recycled = files.filter(p -> p.getFileName().toString().startsWith("spare-")).count();
            }
            System.out.printf("crash test: %d written to the socket, %d journaled before SIGKILL, %d in the output "
                    + "after restart (%d lines, %d duplicates); spare segments now: %d%n", sent, k, seen.cardinality(),
                    lines, duplicates, recycled);
            List<String> damage = karaf.logLinesMatching("damaged and skipped|positions file is (missing|damaged)");
            assertTrue("the restart reported no damage: " + damage, damage.isEmpty());
        }
    }

    private static void send(int port, AtomicInteger written) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
            long start = System.nanoTime();
            for (int i = 0; i < TOTAL; i++) {
                byte[] msg = ("<13>1 2026-12-03T10:00:00Z host crash - - - seq=" + i).getBytes(StandardCharsets.US_ASCII);
                out.write((msg.length + " ").getBytes(StandardCharsets.US_ASCII));
                out.write(msg);
                written.incrementAndGet();
                if (i % 500 == 499) {
                    out.flush();
                    // About 20,000 messages a second, so the kill lands in the middle of the stream.
                    long due = start + (i + 1) * 50_000L;
                    LockSupport.parkNanos(Math.max(0, due - System.nanoTime()));
                }
            }
            out.flush();
        } catch (IOException expectedAtKill) {
            // the connection dies with the process
        }
    }

    private static void readJournal(Path dir, BitSet into) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Journal j = Journal.open(dir, new JournalConfig(262144, 1L << 30, true, 1 << 20))) {
            long from = j.startOffset();
            while (true) {
                List<JournalRecord> batch = j.read(from, 10_000, 16 << 20);
                if (batch.isEmpty()) {
                    return;
                }
                for (JournalRecord r : batch) {
                    into.set(seq(EventBinary.decode(r.payload()).message()));
                }
                from = batch.get(batch.size() - 1).offset() + 1;
            }
        }
    }

    private static long countLines(Path file, BitSet into) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        long[] n = {0};
        try (Stream<String> lines = Files.lines(file, StandardCharsets.US_ASCII)) {
            lines.filter(l -> l.startsWith("seq=")).forEach(l -> {
                into.set(seq(l));
                n[0]++;
            });
        }
        return n[0];
    }

    private static int seq(String message) {
        return Integer.parseInt(message.substring("seq=".length()).trim());
    }
}
