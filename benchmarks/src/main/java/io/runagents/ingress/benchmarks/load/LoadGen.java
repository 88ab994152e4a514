package io.runagents.ingress.benchmarks.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.runagents.ingress.core.transport.Transports;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * An HTTP/1.1 load generator over keep-alive connections, with latencies in an HdrHistogram.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.runagents.ingress.benchmarks.load.LoadGen \
 *     --url http://127.0.0.1:8080/open/hello [--host portal.example.test] [--token-file token.txt] \
 *     [--header 'Name: value'] --connections 32 --duration 10 --warmup 2 [--rate 20000] [--label open]
 * </pre>
 * Without {@code --rate}: closed loop, each connection sends its next request when the previous answer is
 * complete (maximum throughput). With {@code --rate R}: open loop at R requests/s in total, spread evenly
 * over the connections, latency measured from each request's intended send time.
 *
 * <p>Prints one {@code key=value} line (for scripts) followed by a readable summary.
 */
public final class LoadGen {
    private LoadGen() { }

    /** The run's parameters, from the command line (see the class comment). */
    public record Options(URI url, String host, List<String> headers, int connections, double durationSeconds,
                   double warmupSeconds, double rate, int threads, String label) { }

    /** What a run measured. */
    public record Result(String label, boolean openLoop, double seconds, long requests, long non2xx, long errors,
                         long late, Histogram histogram) {
        public double requestsPerSecond() {
            return requests / seconds;
        }

        /** The value at {@code percentile} (0..100) in microseconds. */
        public double micros(double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }

        /** The {@code key=value} line. */
        public String line() {
            return String.format(Locale.ROOT, "label=%s mode=%s rps=%.0f p50_us=%.1f p90_us=%.1f p99_us=%.1f"
                    + " p999_us=%.1f max_us=%.1f requests=%d non2xx=%d errors=%d late=%d", label,
                    openLoop ? "open" : "closed", requestsPerSecond(), micros(50), micros(90), micros(99),
                    micros(99.9), histogram.getMaxValue() / 1000.0, requests, non2xx, errors, late);
        }
    }

    public static void main(String[] args) throws Exception {
        Result result = run(parse(args));
        System.out.println(result.line());
        System.err.printf(Locale.ROOT, "%s: %.0f req/s over %.1f s (%s loop), p50 %.1f us, p90 %.1f us, p99 %.1f us,"
                + " p99.9 %.1f us%n", result.label(), result.requestsPerSecond(), result.seconds(),
                result.openLoop() ? "open" : "closed", result.micros(50), result.micros(90), result.micros(99),
                result.micros(99.9));
        if (result.non2xx() > 0 || result.errors() > 0) {
            System.err.printf("%s: WARNING %d non-2xx answers, %d connection errors%n", result.label(),
                    result.non2xx(), result.errors());
            System.exit(3);
        }
    }

    /** Runs the load described by {@code options} and returns the merged measurement. */
    public static Result run(Options options) throws InterruptedException {
        Transports transport = Transports.best();
        EventLoopGroup group = transport.newGroup(options.threads(), "loadgen");
        // Each send writes a retained duplicate (released by the write); this reference is released last.
        ByteBuf request = Unpooled.directBuffer().writeBytes(requestBytes(options));
        try {
            List<LoadConnection> connections = new ArrayList<>();
            List<Channel> channels = new ArrayList<>();
            InetSocketAddress address = new InetSocketAddress(options.url().getHost(), port(options.url()));
            for (int i = 0; i < options.connections(); i++) {
                LoadConnection connection = new LoadConnection(request);
                connections.add(connection);
                channels.add(new Bootstrap().group(group).channel(transport.socketChannel())
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(connection).connect(address).sync().channel());
            }
            long start = System.nanoTime();
            long measureFrom = start + (long) (options.warmupSeconds() * 1e9);
            long end = measureFrom + (long) (options.durationSeconds() * 1e9);
            long interval = options.rate() > 0 ? (long) (options.connections() * 1e9 / options.rate()) : 0;
            LoadPlan plan = new LoadPlan(measureFrom, end, interval);
            for (int i = 0; i < connections.size(); i++) {
                LoadConnection connection = connections.get(i);
                // Open loop: stagger the connections so that the sends are spread over each interval.
                long first = start + (interval > 0 ? interval * i / options.connections() : 0);
                channels.get(i).eventLoop().execute(() -> connection.begin(plan, first));
            }
            long sleepNanos = end - System.nanoTime();
            if (sleepNanos > 0) {
                TimeUnit.NANOSECONDS.sleep(sleepNanos);
            }
            Histogram merged = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            long requests = 0;
            long non2xx = 0;
            long errors = 0;
            long late = 0;
            for (int i = 0; i < connections.size(); i++) {
                LoadConnection c = connections.get(i);
                // Read each connection's counters on its own loop: they are not shared otherwise.
                long[] counts = channels.get(i).eventLoop().submit(() -> {
                    long unfinished = plan.openLoop() ? c.recordUnfinished() : 0;
                    synchronized (merged) {
                        merged.add(c.histogram);
                    }
                    return new long[] {c.completed, c.non2xx, c.errors, unfinished};
                }).get();
                requests += counts[0];
                non2xx += counts[1];
                errors += counts[2];
                late += counts[3];
            }
            for (Channel channel : channels) {
                channel.close();
            }
            return new Result(options.label(), plan.openLoop(), options.durationSeconds(), requests, non2xx, errors,
                    late, merged);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            request.release();
        }
    }

    private static byte[] requestBytes(Options options) {
        URI url = options.url();
        String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        StringBuilder request = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: ")
                .append(options.host() != null ? options.host() : url.getHost()).append("\r\n");
        for (String header : options.headers()) {
            request.append(header).append("\r\n");
        }
        return request.append("User-Agent: runagents-loadgen\r\n\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static int port(URI url) {
        return url.getPort() > 0 ? url.getPort() : 80;
    }

    static Options parse(String[] args) throws java.io.IOException {
        URI url = null;
        String host = null;
        List<String> headers = new ArrayList<>();
        int connections = 16;
        double duration = 10;
        double warmup = 2;
        double rate = 0;
        int threads = 1;
        String label = "load";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--url" -> url = URI.create(value);
                case "--host" -> host = value;
                case "--header" -> headers.add(value);
                case "--token-file" -> headers.add("Authorization: Bearer " + Files.readString(Path.of(value)).trim());
                case "--connections" -> connections = Integer.parseInt(value);
                case "--duration" -> duration = Double.parseDouble(value);
                case "--warmup" -> warmup = Double.parseDouble(value);
                case "--rate" -> rate = Double.parseDouble(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--label" -> label = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (url == null || !"http".equals(url.getScheme())) {
            throw new IllegalArgumentException("--url http://host:port/path is required");
        }
        if (connections <= 0 || duration <= 0 || warmup < 0 || rate < 0 || threads <= 0) {
            throw new IllegalArgumentException("connections, duration, threads: > 0; warmup, rate: >= 0");
        }
        return new Options(url, host, headers, connections, duration, warmup, rate, threads, label);
    }
}
