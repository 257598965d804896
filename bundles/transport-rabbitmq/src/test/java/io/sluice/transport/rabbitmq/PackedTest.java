package io.sluice.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.Event;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PackedTest {

    private static List<Event> events(int n, int size) {
        return IntStream.range(0, n).mapToObj(i -> Event.builder().timegenerated(Instant.EPOCH.plusSeconds(i))
                .host("h").message("event " + i + " " + "x".repeat(size))
                .field("n", (long) i).build()).toList();
    }

    @Test
    void eventsComeBackInOrderFromMessagesOfAtMostTheGivenCount() {
        List<Event> in = events(250, 10);
        List<Packed.Message> messages = Packed.pack(in, 100, 1 << 20);
        assertThat(messages).extracting(Packed.Message::events).containsExactly(100, 100, 50);
        List<Event> out = new ArrayList<>();
        messages.forEach(m -> out.addAll(Packed.unpack(m.body())));
        assertThat(out).extracting(Event::message).isEqualTo(in.stream().map(Event::message).toList());
        assertThat(out.get(249).fields()).containsEntry("n", 249L);
    }

    @Test
    void aMessageStaysWithinItsByteLimitAndALargerEventGoesAlone() {
        List<Event> in = new ArrayList<>(events(10, 1000));
        in.add(5, events(1, 10_000).get(0));
        List<Packed.Message> messages = Packed.pack(in, 100, 4096);
        assertThat(messages).allSatisfy(m -> assertThat(m.body().length <= 4096 || m.events() == 1).isTrue());
        assertThat(messages.stream().mapToInt(Packed.Message::events).sum()).isEqualTo(11);
    }

    @Test
    void aBodyThatIsNotPackedEventsIsRefused() {
        assertThatThrownBy(() -> Packed.unpack("not an event".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Packed.unpack(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        byte[] good = Packed.pack(events(2, 5), 10, 1 << 20).get(0).body();
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
        assertThatThrownBy(() -> Packed.unpack(cut)).isInstanceOf(IllegalArgumentException.class);
    }
}
