package io.sluice.syslog.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.sluice.api.Event;
import io.sluice.api.component.Counters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(30)
class BatcherTest {
    private final DefaultEventExecutor loop = new DefaultEventExecutor();
    private final HeldBus bus = new HeldBus();
    private final Counters counters = new Counters();
    private final Ingest ingest = new Ingest("test", bus, counters,
            new PeerLog(LoggerFactory.getLogger(BatcherTest.class), "test"), null);

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private static Event event(int n) {
        return Event.builder().message("event " + n).build();
    }

    @Test
    void eventsAddedBeyondMaxPendingStillGoOutInBatchesOfAtMostMaxBatchInOrder() throws Exception {
        Batcher batcher = onLoop(() -> new Batcher(loop, ingest, 100, 200, accepting -> { }));
        // A long read of a stream channel: 1000 events while the first batch is not yet durable.
        onLoop(() -> {
            for (int i = 0; i < 1000; i++) {
                batcher.add(event(i));
            }
            batcher.flush();
            return null;
        });
        List<String> shipped = new ArrayList<>();
        while (shipped.size() < 1000) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !bus.published.isEmpty());
            HeldBus.Published p = bus.published.poll();
            assertThat(p.events()).hasSizeLessThanOrEqualTo(100);
            p.events().forEach(e -> shipped.add(e.message()));
            p.done().complete(null);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            expected.add("event " + i);
        }
        assertThat(shipped).isEqualTo(expected);
        await().atMost(Duration.ofSeconds(10)).until(() -> onLoop(batcher::held) == 0);
        assertThat(counters.acked.sum()).isEqualTo(1000);
        assertThat(counters.queued.get()).isZero();
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        return loop.submit(task).get();
    }

}
