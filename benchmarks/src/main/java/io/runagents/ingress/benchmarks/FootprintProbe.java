package io.runagents.ingress.benchmarks;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import io.runagents.ingress.config.model.TokenCacheSettings;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.IdentityProviders;
import io.runagents.ingress.jwt.JwtAuthenticator;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Memory checks that JMH cannot express: heap held by {@code N} distinct verified tokens in the cache, and
 * heap plus direct memory held by {@code N} idle keep-alive client connections of the proxy. Each figure is
 * the difference of two measurements after full GCs, so the JVM's own baseline is left out.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.runagents.ingress.benchmarks.FootprintProbe tokens 100000
 * java -cp benchmarks/target/benchmarks.jar io.runagents.ingress.benchmarks.FootprintProbe connections 10000
 * </pre>
 * The connections are opened by a child JVM, so that only the proxy's side is counted here.
 */
public final class FootprintProbe {
    private static final long MB = 1024 * 1024;

    private FootprintProbe() { }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "";
        switch (mode) {
            case "tokens" -> tokens(args.length > 1 ? Integer.parseInt(args[1]) : 100_000);
            case "connections" -> connections(args.length > 1 ? Integer.parseInt(args[1]) : 10_000);
            case "client" -> IdleClients.run(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            default -> {
                System.err.println("usage: FootprintProbe tokens [N] | connections [N]");
                System.exit(2);
            }
        }
    }

    private static void tokens(int count) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (StubJwksServer jwks = new StubJwksServer().jwks(TestKeys.jwks(TestKeys.rsa()))) {
            IdentityProviders providers = IdentityProviders.builder().executor(executor).dataDir(null)
                    .refreshTick(null).tokenCache(new TokenCacheSettings(count))
                    .build(List.of(TestTokens.provider("bench", jwks.uri())));
            providers.prefetchAll().toCompletableFuture().get(10, TimeUnit.SECONDS);
            JwtAuthenticator authenticator = providers.forProvider("bench");
            authenticator.authenticate(TestTokens.signedBy(TestKeys.rsa()).sign()); // warm the code, not the heap
            providers.tokenCacheMetricsView().invalidateAll();
            long before = usedHeapAfterGc();
            long start = System.nanoTime();
            AtomicInteger refused = new AtomicInteger();
            // Tokens are minted and verified in parallel and dropped at once: only the cache keeps them.
            IntStream.range(0, count).parallel().forEach(i -> {
                String token = TestTokens.signedBy(TestKeys.rsa()).claim("sub", "user-" + i)
                        .claim("email", "user" + i + "@company.com").claim("jti", "t-" + i).sign();
                if (!(authenticator.authenticate(token) instanceof AuthResult.Authenticated)) {
                    refused.incrementAndGet();
                }
            });
            long after = usedHeapAfterGc();
            long cached = providers.tokenCacheMetricsView().estimatedSize();
            System.out.printf("tokens: %d minted and verified in %.1f s, %d refused, %d cached%n", count,
                    (System.nanoTime() - start) / 1e9, refused.get(), cached);
            System.out.printf("tokens: heap held by the cache %.1f MB (%.0f bytes per token; target <= 200 MB"
                    + " for 100,000)%n", (after - before) / (double) MB, (after - before) / (double) cached);
            providers.close();
        } finally {
            executor.shutdownNow();
        }
    }

    private static void connections(int count) throws Exception {
        try (PipelineFixture fixture = PipelineFixture.start(0, count + 100)) {
            BlockingHttpClient warm = new BlockingHttpClient(fixture.ingress());
            warm.exchange(BlockingHttpClient.get(PipelineFixture.OPEN_PATH, PipelineFixture.HOST, null));
            warm.close();
            Thread.sleep(200);
            long heapBefore = usedHeapAfterGc();
            long directBefore = directMemory();
            Process child = new ProcessBuilder(javaBinary(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                    FootprintProbe.class.getName(), "client", "127.0.0.1",
                    String.valueOf(fixture.ingress().getPort()), String.valueOf(count))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line = out.readLine();
                if (line == null || !line.startsWith("ready")) {
                    throw new IllegalStateException("the client process failed: " + line);
                }
                long open = fixture.proxy().ingressConnections().openConnections();
                long heap = usedHeapAfterGc() - heapBefore;
                long direct = directMemory() - directBefore;
                System.out.printf("connections: %d open at the proxy after one request each (%s)%n", open, line);
                System.out.printf("connections: heap %.1f MB + direct %.1f MB = %.1f MB (%.0f bytes per connection;"
                        + " target <= 256 MB for 10,000)%n", heap / (double) MB, direct / (double) MB,
                        (heap + direct) / (double) MB, (heap + direct) / (double) Math.max(1, open));
            } finally {
                child.getOutputStream().close(); // the child exits when its stdin closes
                child.waitFor(30, TimeUnit.SECONDS);
                child.destroy();
            }
        }
    }

    /** Heap in use after two full collections. */
    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Direct memory held by Netty's pooled allocator and its unpooled counter, and by NIO buffers. */
    static long directMemory() {
        long netty = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        long counted = Math.max(0, PlatformDependent.usedDirectMemory());
        long nio = 0;
        for (var pool : ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                nio = pool.getMemoryUsed();
            }
        }
        return netty + counted + nio;
    }

    private static String javaBinary() {
        return System.getProperty("java.home") + "/bin/java";
    }

    /** The child process: {@code count} keep-alive connections, one request each, then idle until stdin closes. */
    static final class IdleClients {
        private IdleClients() { }

        static void run(String host, int port, int count) throws Exception {
            java.net.InetSocketAddress address = new java.net.InetSocketAddress(host, port);
            byte[] request = BlockingHttpClient.get(PipelineFixture.OPEN_PATH, PipelineFixture.HOST, null);
            List<BlockingHttpClient> clients = new ArrayList<>(count);
            int ok = 0;
            for (int i = 0; i < count; i++) {
                BlockingHttpClient client = new BlockingHttpClient(address);
                clients.add(client);
                if (client.exchange(request) == 200) {
                    ok++;
                }
            }
            System.out.println("ready: " + count + " connections, " + ok + " answered 200");
            System.out.flush();
            while (System.in.read() >= 0) {
                // idle until the parent closes our stdin
            }
            for (BlockingHttpClient client : clients) {
                client.close();
            }
        }
    }
}
