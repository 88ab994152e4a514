package io.runagents.ingress.benchmarks;

import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.IdentityProviders;
import io.runagents.ingress.jwt.JwtAuthenticator;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * {@link JwtAuthenticator#authenticate} cache hits from two threads at once, as two event loops would call
 * it: both threads on the same token (one hot cache entry, the worst case for Caffeine's read buffers) and
 * each thread on its own token. A hit costs a snapshot read, one map lookup and a {@code kid} check.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(2)
public class TokenCacheContentionBenchmark {

    /** The provider with its keys loaded and two verified tokens in the cache. */
    @State(Scope.Benchmark)
    public static class Shared {
        StubJwksServer jwks;
        ExecutorService executor;
        IdentityProviders providers;
        JwtAuthenticator authenticator;
        String[] tokens;

        @Setup(Level.Trial)
        public void start() throws Exception {
            jwks = new StubJwksServer().jwks(TestKeys.jwks(TestKeys.rsa()));
            executor = Executors.newSingleThreadExecutor();
            providers = IdentityProviders.builder().executor(executor).dataDir(null).refreshTick(null)
                    .build(List.of(TestTokens.provider("bench", jwks.uri())));
            providers.prefetchAll().toCompletableFuture().get(10, TimeUnit.SECONDS);
            authenticator = providers.forProvider("bench");
            tokens = new String[] {
                TestTokens.signedBy(TestKeys.rsa()).claim("sub", "user-0").sign(),
                TestTokens.signedBy(TestKeys.rsa()).claim("sub", "user-1").sign()
            };
            for (String token : tokens) {
                if (!(authenticator.authenticate(token) instanceof AuthResult.Authenticated)) {
                    throw new IllegalStateException("the benchmark token was not accepted");
                }
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            providers.close();
            executor.shutdownNow();
            jwks.close();
        }
    }

    /** Which token this thread sends when each thread has its own. */
    @State(Scope.Thread)
    public static class PerThread {
        String ownToken;

        @Setup(Level.Trial)
        public void pick(Shared shared, ThreadParams thread) {
            ownToken = shared.tokens[thread.getThreadIndex() % shared.tokens.length];
        }
    }

    @Benchmark
    public AuthResult sameToken(Shared shared) {
        return shared.authenticator.authenticate(shared.tokens[0]);
    }

    @Benchmark
    public AuthResult distinctTokens(Shared shared, PerThread thread) {
        return shared.authenticator.authenticate(thread.ownToken);
    }
}
