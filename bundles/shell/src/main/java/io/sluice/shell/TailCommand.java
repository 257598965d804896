package io.sluice.shell;

import io.sluice.api.Event;
import io.sluice.api.bus.EventBus;
import io.sluice.api.bus.Subscription;
import io.sluice.api.codec.EventFormatter;
import io.sluice.api.codec.FormatterFactory;
import io.sluice.api.codec.FormatterOptions;
import io.sluice.api.codec.ParserFactory;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;

@Command(scope = "sluice", name = "tail",
        description = "Follows events live as they become durable in a stream, until Ctrl-C (or --count events).")
@Service
public class TailCommand implements Action {
    @Reference
    BundleContext context;

    @Argument(index = 0, name = "regex", description = "Show only lines matching this regular expression",
            required = false)
    String regex;

    @Option(name = "-s", aliases = "--stream", description = "Stream to follow (ingest or events)")
    String stream = EventBus.EVENTS;

    @Option(name = "-o", aliases = "--format",
            description = "Output format: rsyslog-file, rfc5424, rfc3164, json, or template (with --template)")
    String format = "rsyslog-file";

    @Option(name = "-t", aliases = "--template", description = "Template for --format template")
    String template;

    @Option(name = "-n", aliases = "--count", description = "Stop after this many lines (0: until Ctrl-C)")
    long count;

    @Option(name = "-i", aliases = "--ignore-case", description = "Match the regex without regard to case")
    boolean ignoreCase;

    @Override
    public Object execute() throws Exception {
        try (Services services = new Services(context)) {
            EventBus bus = services.one(EventBus.class, null, "No event bus is running (feature sluice-core)");
            FormatterFactory factory = services.one(FormatterFactory.class,
                    "(" + ParserFactory.FORMAT_PROPERTY + "=" + format + ")", "No output format '" + format + "'");
            EventFormatter formatter = factory.create(template == null ? FormatterOptions.defaults()
                    : FormatterOptions.template(template));
            Pattern pattern = regex == null ? null : Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
            BlockingQueue<Event> queue = new ArrayBlockingQueue<>(10_000);
            AtomicLong skipped = new AtomicLong();
            long shown = 0;
            try (Subscription sub = bus.observe(stream, e -> {
                if (!queue.offer(e)) {
                    skipped.incrementAndGet();
                }
            })) {
                while (count == 0 || shown < count) {
                    Event e = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (e == null) {
                        continue;
                    }
                    String line = formatter.format(e);
                    if (pattern == null || pattern.matcher(line).find()) {
                        System.out.println(line);
                        shown++;
                    }
                }
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
            if (skipped.get() > 0) {
                System.err.println("(" + skipped.get() + " events not shown: the terminal was slower than the stream)");
            }
            return null;
        }
    }
}
