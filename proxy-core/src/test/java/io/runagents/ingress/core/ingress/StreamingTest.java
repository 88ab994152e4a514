package io.runagents.ingress.core.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.Backpressure;
import io.runagents.ingress.core.testing.Behaviors;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
    /** The writer may get rid of a quarter while the reader stalls; the proxy may hold 32 MiB at most. */
    private static final Backpressure.StreamingLimits LIMITS =
            new Backpressure.StreamingLimits(TOTAL, TOTAL / 4, 32L * 1024 * 1024);

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
        Backpressure.upload(proxy.ingressAddress(), "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + TOTAL
                + "\r\n\r\n", agent, LIMITS, Duration.ofSeconds(60));
    }

    @Test
    void downloadOf200MbStreamsWithBackpressure() throws Exception {
        AtomicLong written = new AtomicLong();
        agent.on("/download", Behaviors.download(TOTAL, written));
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            Backpressure.download(client, "GET /download HTTP/1.1\r\nHost: a\r\n\r\n", written, LIMITS);
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

            assertThat(client.readLinesUntil("data: first")).contains("data: first");
            assertThat(agent.received()).hasSize(1);

            release.complete(null); // only now may the agent write the rest and finish
            List<String> rest = client.readLinesUntil("0");
            assertThat(rest).contains("data: second").endsWith("0");
            assertThat(client.readLine()).isEmpty(); // the end of the chunked body
        }
    }

}
