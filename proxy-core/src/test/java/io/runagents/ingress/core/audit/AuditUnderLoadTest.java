package io.runagents.ingress.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.testing.TestContexts;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.jwt.AuthResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit trail under load and through a shutdown (the SIGTERM path): 20,000 tool calls on keep-alive
 * connections, then a second burst during which the proxy shuts down. Every answered request has exactly
 * one line (matched by its unique path), no line is duplicated, every line parses as JSON, and nothing is
 * logged for a request that was never sent. A request cut off before its answer may have a 499 line or none.
 */
class AuditUnderLoadTest {
    private static final int CLIENTS = 4;
    private static final int PER_CLIENT = 5_000;
    private static final String RID = "load-rid-1";
    private static final String USER = "alice@company.com";

    /** The tool: a two-byte answer, so the test measures the proxy and its audit log, not the stub. */
    private static final StubAgent.Behavior OK = (ctx, head, bodyBytes) -> {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(new byte[] {'o', 'k'}));
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
        ctx.writeAndFlush(response);
    };

    private final ContextSigningKey contextKey = ContextSigningKey.generate();
    private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    /** Every path a client tried to send (before the first byte went out). */
    private final Set<String> attempted = ConcurrentHashMap.newKeySet();
    /** Path -> status of every request whose whole answer a client read. */
    private final Map<String, Integer> answered = new ConcurrentHashMap<>();
    private final AtomicInteger closingAnswers = new AtomicInteger();
    private StubAgent tool;
    private ProxyServer proxy;
    private Path auditFile;
    private String context;

    @BeforeEach
    void start() throws Exception {
        tool = StubAgent.start().on("/", OK);
        ConfigSnapshot snapshot = new ConfigSnapshot(1, Instant.now(), TestConfigs.settings(Limits.DEFAULTS),
                List.of(), List.of(TestConfigs.openAgent("assistant", "/", tool.uri())),
                List.of(new Tool("echo", tool.uri(), ToolAuth.NONE)), List.of());
        auditFile = Path.of(snapshot.proxy().audit().file());
        proxy = ProxyServer.start(snapshot, 2, contextKey);
        AuthResult.Authenticated alice = new AuthResult.Authenticated(USER, USER, List.of(), List.of(), "corp",
                Instant.now().plusSeconds(3600), Map.of(), "k");
        context = TestContexts.sign(contextKey, alice, "assistant");
    }

    @AfterEach
    void stop() {
        clients.shutdownNow();
        proxy.close();
        tool.close();
    }

    @Test
    void everyAnsweredToolCallHasExactlyOneLineThroughLoadAndShutdown() throws Exception {
        InetSocketAddress egress = proxy.egressAddress();
        // Burst 1: 20,000 calls, all answered.
        runClients(c -> () -> {
            try (RawHttp connection = new RawHttp(egress)) {
                for (int i = 0; i < PER_CLIENT; i++) {
                    String path = "/tools/echo/n/" + c + "/" + i;
                    attempted.add(path);
                    RawHttp.Response response = connection.send(request(path)).read();
                    assertThat(response.complete()).isTrue();
                    answered.put(path, response.status());
                }
            }
            return null;
        }).get(60, TimeUnit.SECONDS);
        assertThat(answered).hasSize(CLIENTS * PER_CLIENT);
        assertThat(answered.values().stream().filter(status -> status != 200)).as("failed calls").isEmpty();

        // Burst 2: clients keep calling (reconnecting when a connection ends) until the proxy is gone.
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> burst = runClients(c -> () -> secondBurst(egress, c, stop));
        await().atMost(Duration.ofSeconds(20)).until(() -> answered.size() >= CLIENTS * PER_CLIENT + 2_000);
        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> proxy.shutdown(Duration.ofSeconds(10)));
        try {
            burst.get(30, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
        }
        shutdown.get(30, TimeUnit.SECONDS);
        assertThat(closingAnswers.get()).as("answers sent while draining: the shutdown hit the burst").isPositive();

        List<JsonNode> lines = AuditFixtures.read(auditFile); // every line parses on its own
        Map<String, List<JsonNode>> byPath = lines.stream()
                .collect(Collectors.groupingBy(l -> l.get("path").asText()));
        assertThat(byPath.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey))
                .as("paths logged more than once").isEmpty();
        assertThat(byPath.keySet().stream().filter(path -> !attempted.contains(path)))
                .as("lines for requests never sent").isEmpty();
        assertThat(answered.keySet().stream().filter(path -> !byPath.containsKey(path)))
                .as("answered requests without a line").isEmpty();
        String expected = "egress " + RID + " " + USER + " echo allow";
        assertThat(answered.entrySet().stream().filter(answer -> {
            JsonNode line = byPath.get(answer.getKey()).get(0);
            return line.get("status").asInt() != answer.getValue() || !expected.equals(String.join(" ",
                    line.get("direction").asText(), line.get("request_id").asText(), line.get("user").asText(),
                    line.get("tool").asText(), line.get("decision").asText()));
        }).map(answer -> answer + " -> " + byPath.get(answer.getKey()).get(0)))
                .as("lines that do not match their answer").isEmpty();
        List<JsonNode> unanswered = lines.stream().filter(l -> !answered.containsKey(l.get("path").asText())).toList();
        assertThat(unanswered).as("lines of requests cut off before their answer")
                .allSatisfy(l -> assertThat(l.get("status").asInt()).isEqualTo(499));
        assertThat(lines).hasSize(answered.size() + unanswered.size());
    }

    /** Calls until the proxy refuses connections; a request cut off by the shutdown is simply left unanswered. */
    private Void secondBurst(InetSocketAddress egress, int client, AtomicBoolean stop) {
        int i = 0;
        while (!stop.get()) {
            RawHttp connection;
            try {
                connection = new RawHttp(egress);
            } catch (IOException refused) {
                return null; // the listener is closed: the proxy is going away
            }
            try (connection) {
                while (!stop.get()) {
                    String path = "/tools/echo/b/" + client + "/" + i++;
                    attempted.add(path);
                    RawHttp.Response response = connection.send(request(path)).read();
                    if (!response.complete()) {
                        break;
                    }
                    answered.put(path, response.status());
                    if ("close".equalsIgnoreCase(response.header("connection"))) {
                        closingAnswers.incrementAndGet();
                        break;
                    }
                }
            } catch (IOException cutOff) {
                // the connection ended before the answer: reconnect, or stop if the proxy is gone
            }
        }
        return null;
    }

    private String request(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: egress\r\nX-End-User-Context: " + context + "\r\nX-Request-ID: "
                + RID + "\r\n\r\n";
    }

    /** Runs one task per client on its own thread; completes when all did, failing with the first failure. */
    private CompletableFuture<Void> runClients(Function<Integer, java.util.concurrent.Callable<Void>> task) {
        CompletableFuture<?>[] all = new CompletableFuture<?>[CLIENTS];
        for (int c = 0; c < CLIENTS; c++) {
            java.util.concurrent.Callable<Void> work = task.apply(c);
            all[c] = CompletableFuture.supplyAsync(() -> {
                try {
                    return work.call();
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, clients);
        }
        return CompletableFuture.allOf(all);
    }
}
