package io.runagents.ingress.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One request per op through the whole ingress pipeline, over loopback, on one keep-alive connection:
 * codec, guard, routing, identity (RS256 token, verified-token cache hit, signed {@code X-End-User-Context}),
 * policy, relay to a stub agent and back. {@code direct} is the same client against the stub agent alone,
 * so the difference is what the proxy adds. Sample time mode: JMH prints p50/p90/p99/p99.9 per request.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
// Leak detection off, as `runagents serve` runs (LeakDetectionDefault): this measures the product as deployed.
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dio.netty.leakDetection.level=disabled"})
@State(Scope.Thread)
public class IngressPipelineBenchmark {
    @Param({"direct", "open", "authenticated"})
    public String route;

    private PipelineFixture fixture;
    private BlockingHttpClient client;
    private byte[] request;

    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException {
        fixture = PipelineFixture.start(1, 1000);
        InetSocketAddress target = route.equals("direct") ? fixture.agent() : fixture.ingress();
        request = switch (route) {
            case "direct", "open" -> BlockingHttpClient.get(PipelineFixture.OPEN_PATH, PipelineFixture.HOST, null);
            case "authenticated" -> BlockingHttpClient.get(PipelineFixture.AUTH_PATH, PipelineFixture.HOST,
                    fixture.token());
            default -> throw new IllegalArgumentException("route: " + route + " (expected: direct, open, authenticated)");
        };
        client = new BlockingHttpClient(target);
        int status = client.exchange(request);
        if (status != 200) {
            throw new IllegalStateException(route + ": the first request answered " + status + ", not 200");
        }
    }

    @Benchmark
    public int request() throws IOException {
        return client.exchange(request);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        client.close();
        fixture.close();
    }
}
