package io.runagents.ingress.core.egress;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.testing.TestContexts;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.Backpressure;
import io.runagents.ingress.core.testing.Behaviors;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.jwt.AuthResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The egress streams like the ingress: a 50 MB tool response and a 50 MB upload to a tool pass with
 * backpressure and bounded pooled memory, and server-sent events from a tool reach the agent while the
 * tool is still writing. The tool sees the user and the request id the agent passed on, never the context.
 */
class EgressStreamingTest {
    private static final long TOTAL = 50L * 1024 * 1024;
    /** The writer may get rid of half while the reader stalls; the proxy may hold 16 MiB at most. */
    private static final Backpressure.StreamingLimits LIMITS =
            new Backpressure.StreamingLimits(TOTAL, TOTAL / 2, 16L * 1024 * 1024);
    private static final String RID = "ingress-rid-42";

    private final ContextSigningKey contextKey = ContextSigningKey.generate();
    private StubAgent tool;
    private ProxyServer proxy;
    private String context;

    @BeforeEach
    void start() throws Exception {
        tool = StubAgent.start();
        ConfigSnapshot snapshot = new ConfigSnapshot(1, Instant.now(), TestConfigs.settings(Limits.DEFAULTS),
                List.of(), List.of(TestConfigs.openAgent("assistant", "/", tool.uri())),
                List.of(new Tool("files", tool.uri(), ToolAuth.NONE)), List.of());
        proxy = ProxyServer.start(snapshot, 2, contextKey);
        AuthResult.Authenticated alice = new AuthResult.Authenticated("alice@company.com", "alice@company.com",
                List.of("engineering"), List.of(), "corp", Instant.now().plusSeconds(3600), Map.of(), "k");
        context = TestContexts.sign(contextKey, alice, "assistant");
    }

    @AfterEach
    void stop() {
        proxy.close();
        tool.close();
    }

    private String head(String method, String path, String... headers) {
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: egress.local\r\n"
                + "X-End-User-Context: " + context + "\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    @Test
    void largeToolResponseStreamsWithBackpressureAndBoundedMemory() throws Exception {
        AtomicLong written = new AtomicLong();
        tool.on("/big", Behaviors.download(TOTAL, written));
        try (RawHttp agent = new RawHttp(proxy.egressAddress())) {
            Backpressure.download(agent, head("GET", "/tools/files/big"), written, LIMITS);
            // The connection is still good for another tool call.
            assertThat(agent.send(head("GET", "/tools/files/after", "Content-Length: 0")).read().status())
                    .isEqualTo(200);
        }
        assertThat(tool.received()).extracting(StubAgent.Received::uri).containsExactly("/big", "/after");
    }

    @Test
    void largeUploadToAToolStreamsWithBackpressure() throws Exception {
        Backpressure.upload(proxy.egressAddress(), head("POST", "/tools/files/upload", "Content-Length: " + TOTAL),
                tool, LIMITS, Duration.ofSeconds(30));
    }

    @Test
    void serverSentEventsFromAToolReachTheAgentBeforeTheToolFinishes() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        tool.on("/events", Behaviors.sse("first", "second", release));
        try (RawHttp agent = new RawHttp(proxy.egressAddress())) {
            agent.setTimeoutMillis(5_000); // a proxy that buffers the stream fails here, on a read timeout
            // The agent passes on the request id of the request it serves (SPEC section 6) and a matching user id,
            // which the proxy replaces with its own from the context.
            agent.send(head("GET", "/tools/files/events?since=0", "Accept: text/event-stream",
                    "X-Request-ID: " + RID, "X-End-User-ID: alice@company.com"));
            RawHttp.Response response = agent.readHead();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-type")).isEqualTo("text/event-stream");
            assertThat(response.header("transfer-encoding")).isEqualTo("chunked");

            // The tool still holds the rest back: a proxy that buffered the stream would time out here.
            assertThat(agent.readLinesUntil("data: first")).contains("data: first");

            StubAgent.Received seen = tool.received().get(0);
            assertThat(seen.uri()).isEqualTo("/events?since=0");
            assertThat(seen.headers().getAll("X-End-User-ID")).containsExactly("alice@company.com");
            assertThat(seen.headers().getAll("X-Request-ID")).containsExactly(RID);
            assertThat(seen.headers().contains("X-End-User-Context")).isFalse();
            assertThat(seen.headers().getAll("Host")).containsExactly("127.0.0.1:" + tool.port());

            release.complete(null); // only now may the tool write the rest and finish
            List<String> rest = agent.readLinesUntil("0");
            assertThat(rest).contains("data: second").endsWith("0");
            assertThat(agent.readLine()).isEmpty(); // the end of the chunked body
        }
        assertThat(tool.received()).hasSize(1);
    }

}
