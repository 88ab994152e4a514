package io.runagents.ingress.core.ingress;

import static io.runagents.ingress.core.testing.MemoryProbe.awaitStalled;
import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.Behaviors;
import io.runagents.ingress.core.testing.MemoryProbe;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.Streams;
import io.runagents.ingress.core.testing.TestConfigs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bodies stream through the proxy in both directions with backpressure: 200 MB each way while the proxy's
 * pooled buffers stay small, and while one end stalls the other end stalls too instead of the proxy
 * buffering the difference. Server-sent events reach the client as the agent writes them.
 */
class StreamingTest {
    private static final long TOTAL = 200L * 1024 * 1024;
    /** What the proxy may hold at most: far below the payload. */
    private static final long MAX_BUFFERED = 32L * 1024 * 1024;

    private StubAgent agent;
    private ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        agent = StubAgent.start();
        proxy = ProxyServer.start(TestConfigs.snapshot(List.of(TestConfigs.openAgent("stream", "/", agent.uri()))), 2);
    }

    @AfterEach
    void stop() {
        proxy.close();
        agent.close();
    }

    @Test
    void uploadOf200MbStreamsWithBackpressure() throws Exception {
        agent.pauseReading(true);
        AtomicLong sent = new AtomicLong();
        try (RawHttp client = new RawHttp(proxy.ingressAddress()); MemoryProbe probe = MemoryProbe.start()) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> Streams.upload(client.output(), "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + TOTAL + "\r\n\r\n", TOTAL, sent));

            // The agent reads nothing: once the socket buffers are full the client must be stuck.
            awaitStalled(sent::get);
            assertThat(sent.get()).as("bytes the client got rid of while the agent read nothing")
                    .isLessThan(TOTAL / 4);

            agent.pauseReading(false);
            writer.get(60, TimeUnit.SECONDS);
            RawHttp.Response response = client.read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).contains("\"bodyBytes\":" + TOTAL);
            assertThat(probe.peakGrowth()).as("growth of the proxy's pooled buffers").isLessThan(MAX_BUFFERED);
        }
        assertThat(agent.received()).singleElement().extracting(StubAgent.Received::bodyBytes).isEqualTo(TOTAL);
    }

    @Test
    void downloadOf200MbStreamsWithBackpressure() throws Exception {
        AtomicLong written = new AtomicLong();
        agent.on("/download", Behaviors.download(TOTAL, written));
        try (RawHttp client = new RawHttp(proxy.ingressAddress()); MemoryProbe probe = MemoryProbe.start()) {
            client.send("GET /download HTTP/1.1\r\nHost: a\r\n\r\n");
            RawHttp.Response head = client.readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo(Long.toString(TOTAL));

            // The client reads nothing: the agent must be held back, not the proxy filled up.
            awaitStalled(written::get);
            assertThat(written.get()).as("bytes the agent got rid of while the client read nothing")
                    .isLessThan(TOTAL / 4);

            assertThat(Streams.drain(client.input(), TOTAL)).isEqualTo(TOTAL);
            assertThat(probe.peakGrowth()).as("growth of the proxy's pooled buffers").isLessThan(MAX_BUFFERED);
            // The connection is still good for another request.
            assertThat(client.send("GET /after HTTP/1.1\r\nHost: a\r\n\r\n").read().status()).isEqualTo(200);
        }
    }

    @Test
    void firstServerSentEventArrivesBeforeTheAgentFinishes() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        agent.on("/events", Behaviors.sse("first", "second", release));
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            client.setTimeoutMillis(5_000); // a proxy that buffers the stream fails here, on a read timeout
            client.send("GET /events HTTP/1.1\r\nHost: a\r\nAccept: text/event-stream\r\n\r\n");
            RawHttp.Response head = client.readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-type")).isEqualTo("text/event-stream");
            assertThat(head.header("transfer-encoding")).isEqualTo("chunked");

            assertThat(linesUntil(client, "data: first")).contains("data: first");
            assertThat(agent.received()).hasSize(1);

            release.complete(null); // only now may the agent write the rest and finish
            List<String> rest = linesUntil(client, "0");
            assertThat(rest).contains("data: second").endsWith("0");
            assertThat(client.readLine()).isEmpty(); // the end of the chunked body
        }
    }

    private static List<String> linesUntil(RawHttp client, String last) throws java.io.IOException {
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
