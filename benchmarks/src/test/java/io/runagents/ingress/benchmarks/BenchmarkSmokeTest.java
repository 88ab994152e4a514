package io.runagents.ingress.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.benchmarks.load.Hiccups;
import io.runagents.ingress.benchmarks.load.LoadGen;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * CI's smoke run of the benchmarks, seconds long: each benchmark and the load generator must run and see
 * only 200s. The figures are meaningless at this length; BENCHMARKS.md has the real ones and their commands.
 */
class BenchmarkSmokeTest {

    @Test
    void hiccupMeterReportsHowLateItsSleepsWoke() {
        assertThat(Hiccups.measure(0.4)).matches("hiccup_p99_us=\\d+ hiccup_max_us=\\d+ hiccup_max_at_s=[0-9.]+");
    }

    @Test
    void loadGeneratorDrivesTheProxyInBothModes() throws Exception {
        try (PipelineFixture fixture = PipelineFixture.start(1, 100)) {
            String base = "http://127.0.0.1:" + fixture.ingress().getPort();
            LoadGen.Result closed = LoadGen.run(new LoadGen.Options(URI.create(base + PipelineFixture.AUTH_PATH),
                    PipelineFixture.HOST, List.of("Authorization: Bearer " + fixture.token()), 4, 1.0, 0.3, 0, 1,
                    "auth"));
            assertThat(closed.requests()).isPositive();
            assertThat(closed.non2xx()).isZero();
            assertThat(closed.errors()).isZero();

            LoadGen.Result open = LoadGen.run(new LoadGen.Options(URI.create(base + PipelineFixture.OPEN_PATH),
                    PipelineFixture.HOST, List.of(), 4, 1.0, 0.3, 200, 1, "open"));
            assertThat(open.requests()).isBetween(100L, 300L); // 200/s for 1 s, give or take the edges
            assertThat(open.non2xx()).isZero();
            assertThat(open.line()).contains("mode=open", "p99_us=");
        }
    }

    @Test
    void headWorkComparisonReportsBothCodecs() {
        assertThat(HeadWorkComparison.compare("t".repeat(900), 2, 500)).matches(
                "route=authenticated netty_ns=\\d+ proxy_ns=\\d+ proxy/netty=[0-9.]+ \\([0-9.]+-[0-9.]+, 2 rounds\\)");
    }

    @Test
    void jmhBenchmarksRun() throws Exception {
        System.setProperty("jmh.ignoreLock", "true"); // another JMH run on the machine must not fail CI
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(IngressPipelineBenchmark.class.getSimpleName())
                .include(TokenCacheContentionBenchmark.class.getSimpleName())
                .include(HeadCodecBenchmark.class.getSimpleName())
                .param("route", "authenticated")
                .forks(0)
                .warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
                .measurementIterations(1).measurementTime(TimeValue.milliseconds(300))
                .shouldFailOnError(true)
                .build()).run();
        // the pipeline, the cache on the same and on distinct tokens, and the six head codec cases (decode and
        // encode for both codecs, two of setting the context)
        assertThat(results).hasSize(9);
        for (RunResult result : results) {
            assertThat(result.getPrimaryResult().getSampleCount()).isPositive();
        }
    }
}
