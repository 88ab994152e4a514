package io.runagents.ingress.core.egress;

import static io.runagents.ingress.core.testing.MemoryProbe.awaitStalled;
import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.identity.IdentityContextSigner;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.Behaviors;
import io.runagents.ingress.core.testing.MemoryProbe;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.Streams;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.jwt.AuthResult;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The egress streams like the ingress: a 50 MB tool response and a 50 MB upload to a tool pass with
 * backpressure and bounded pooled memory, and server-sent events from a tool reach the agent while the
 * tool is still writing. The tool sees the user and the ingress request id, never the context.
 */
class EgressStreamingTest {
    private static final long TOTAL = 50L * 1024 * 1024;
    /** What the proxy may hold at most: far below the payload. */
    private static final long MAX_BUFFERED = 16L * 1024 * 1024;
    private static final String RID = "ingress-rid-42";

    private final ContextSigningKey contextKey = ContextSigningKey.generate();
    private StubAgent tool;
    private ProxyServer proxy;
    private String context;

    @BeforeEach
    void start() throws Exception {
        tool = StubAgent.start();
        ConfigSnapshot snapshot = new ConfigSnapshot(1, Instant.now(), TestConfigs.settings(Limits.DEFAULTS),
                List.of(), List.of(), List.of(new Tool("files", tool.uri(), ToolAuth.NONE)), List.of());
        proxy = ProxyServer.start(snapshot, 2, contextKey);
        AuthResult.Authenticated alice = new AuthResult.Authenticated("alice@company.com", "alice@company.com",
                List.of("engineering"), "corp", Instant.now().plusSeconds(3600), Map.of(), "k");
        context = new IdentityContextSigner(contextKey, Clock.systemUTC()).sign(alice, RID, 300);
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
        try (RawHttp agent = new RawHttp(proxy.egressAddress()); MemoryProbe probe = MemoryProbe.start()) {
            agent.send(head("GET", "/tools/files/big"));
            RawHttp.Response response = agent.readHead();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-length")).isEqualTo(Long.toString(TOTAL));

            // The agent reads nothing: the tool must be held back, not the proxy filled up.
            awaitStalled(written::get);
            assertThat(written.get()).as("bytes the tool got rid of while the agent read nothing")
                    .isLessThan(TOTAL / 2);

            assertThat(Streams.drain(agent.input(), TOTAL)).isEqualTo(TOTAL);
            assertThat(probe.peakGrowth()).as("growth of the proxy's pooled buffers").isLessThan(MAX_BUFFERED);
            // The connection is still good for another tool call.
            assertThat(agent.send(head("GET", "/tools/files/after", "Content-Length: 0")).read().status())
                    .isEqualTo(200);
        }
        assertThat(tool.received()).extracting(StubAgent.Received::uri).containsExactly("/big", "/after");
    }

    @Test
    void largeUploadToAToolStreamsWithBackpressure() throws Exception {
        tool.pauseReading(true);
        AtomicLong sent = new AtomicLong();
        try (RawHttp agent = new RawHttp(proxy.egressAddress()); MemoryProbe probe = MemoryProbe.start()) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> Streams.upload(agent.output(), head("POST", "/tools/files/upload", "Content-Length: " + TOTAL), TOTAL, sent));

            // The tool reads nothing: once the socket buffers are full the agent must be stuck.
            awaitStalled(sent::get);
            assertThat(sent.get()).as("bytes the agent got rid of while the tool read nothing")
                    .isLessThan(TOTAL / 2);

            tool.pauseReading(false);
            writer.get(30, TimeUnit.SECONDS);
            RawHttp.Response response = agent.read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).contains("\"bodyBytes\":" + TOTAL);
            assertThat(probe.peakGrowth()).as("growth of the proxy's pooled buffers").isLessThan(MAX_BUFFERED);
        }
        assertThat(tool.received()).singleElement().extracting(StubAgent.Received::bodyBytes).isEqualTo(TOTAL);
    }

    @Test
    void serverSentEventsFromAToolReachTheAgentBeforeTheToolFinishes() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        tool.on("/events", Behaviors.sse("first", "second", release));
        try (RawHttp agent = new RawHttp(proxy.egressAddress())) {
            agent.setTimeoutMillis(5_000); // a proxy that buffers the stream fails here, on a read timeout
            // The agent also sends its own request id and (matching) user id: neither may reach the tool as sent.
            agent.send(head("GET", "/tools/files/events?since=0", "Accept: text/event-stream",
                    "X-Request-ID: agent-chosen-id", "X-End-User-ID: alice@company.com"));
            RawHttp.Response response = agent.readHead();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-type")).isEqualTo("text/event-stream");
            assertThat(response.header("transfer-encoding")).isEqualTo("chunked");

            // The tool still holds the rest back: a proxy that buffered the stream would time out here.
            assertThat(linesUntil(agent, "data: first")).contains("data: first");

            StubAgent.Received seen = tool.received().get(0);
            assertThat(seen.uri()).isEqualTo("/events?since=0");
            assertThat(seen.headers().getAll("X-End-User-ID")).containsExactly("alice@company.com");
            assertThat(seen.headers().getAll("X-Request-ID")).containsExactly(RID);
            assertThat(seen.headers().contains("X-End-User-Context")).isFalse();
            assertThat(seen.headers().getAll("Host")).containsExactly("127.0.0.1:" + tool.port());

            release.complete(null); // only now may the tool write the rest and finish
            List<String> rest = linesUntil(agent, "0");
            assertThat(rest).contains("data: second").endsWith("0");
            assertThat(agent.readLine()).isEmpty(); // the end of the chunked body
        }
        assertThat(tool.received()).hasSize(1);
    }

    private static List<String> linesUntil(RawHttp client, String last) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = client.readLine();
            if (line == null) {
                break;
            }
            lines.add(line);
        } while (!line.equals(last));
        return lines;
    }
}
