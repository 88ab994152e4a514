package io.runagents.ingress.core.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.Behaviors;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Limits (SPEC sections 3 and 5): header size (431), an agent's {@code maxBodyBytes} declared or reached
 * mid-stream (413), {@code maxConnections}, the idle timeout, and a client leaving mid-request cancelling
 * its upstream request.
 */
class LimitsTest {
    private static final long MAX_BODY = 1000;

    private StubAgent agent;
    private ProxyServer proxy;

    @BeforeEach
    void startAgent() throws Exception {
        agent = StubAgent.start().on("/silent", Behaviors.SILENT);
    }

    private void startProxy(int idleTimeoutSeconds, int maxConnections) throws Exception {
        Limits limits = new Limits(1024, 8192, idleTimeoutSeconds, 2000, 20, maxConnections);
        proxy = ProxyServer.start(TestConfigs.snapshot(limits, List.of(
                TestConfigs.openAgent("any", "/", agent.uri()),
                new Agent("small", null, "/small", List.of(agent.uri()), false, Access.OPEN, null, 300, MAX_BODY)),
                List.of()), 2);
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        agent.close();
    }

    @Test
    void headersOverMaxHeaderBytesAre431() throws Exception {
        startProxy(60, 100);
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response fits = client.send("GET /x HTTP/1.1\r\nHost: a\r\nX-Fill: " + "a".repeat(800) + "\r\n\r\n")
                    .read();
            assertThat(fits.status()).isEqualTo(200);
            RawHttp.Response response = client.send("GET /x HTTP/1.1\r\nHost: a\r\nX-Fill: " + "a".repeat(2000)
                    + "\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(431);
            assertThat(response.body()).contains("\"error\":\"request_header_fields_too_large\"");
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(agent.requestsStarted()).isEqualTo(1);
    }

    @Test
    void tokenOverMaxTokenBytesIs400OnAnOpenRouteToo() throws Exception {
        // SPEC section 5 puts no route condition on it: an open route refuses the oversized token as well.
        proxy = ProxyServer.start(TestConfigs.snapshot(new Limits(1024, 100, 60, 2000, 20, 100),
                List.of(TestConfigs.openAgent("any", "/", agent.uri())), List.of()), 2);
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response fits = client.send("GET /x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer "
                    + "a".repeat(100) + "\r\n\r\n").read();
            assertThat(fits.status()).isEqualTo(200);
            RawHttp.Response response = client.send("GET /x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer "
                    + "a".repeat(101) + "\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.body()).contains("\"error_description\":\"bearer token exceeds maxTokenBytes\"");
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(agent.requestsStarted()).isEqualTo(1);
    }

    @Test
    void declaredBodyOverMaxBodyBytesIs413AndTheAgentSeesNothing() throws Exception {
        startProxy(60, 100);
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response response = client.send("POST /small/x HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n"
                    + "b".repeat(1001)).read();
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.body()).contains("\"error\":\"request_entity_too_large\"");
            assertThat(client.closedByPeer()).isTrue();
        }
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            assertThat(client.send("POST /small/y HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n"
                    + "b".repeat(1000)).read().status()).isEqualTo(200);
        }
        assertThat(agent.received()).extracting(StubAgent.Received::uri).containsExactly("/small/y");
        assertThat(agent.requestsStarted()).isEqualTo(1);
    }

    @Test
    void chunkedBodyGrowingOverMaxBodyBytesIs413AndNeverCompletesAtTheAgent() throws Exception {
        startProxy(60, 100);
        String chunk = "258\r\n" + "c".repeat(600) + "\r\n";
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            client.send("POST /small/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk);
            await().atMost(Duration.ofSeconds(5)).until(() -> agent.bodyBytesSoFar() == 600);
            RawHttp.Response response = readOrNull(client.send(chunk + "0\r\n\r\n"));
            if (response != null) {
                assertThat(response.status()).isEqualTo(413);
            }
            assertThat(client.closedByPeer()).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.closedConnections() >= 1);
        assertThat(agent.received()).as("complete requests at the agent").isEmpty();
        assertThat(agent.bodyBytesSoFar()).isLessThanOrEqualTo(MAX_BODY);
    }

    @Test
    void connectionsOverMaxConnectionsAreClosed() throws Exception {
        startProxy(60, 2);
        try (RawHttp first = new RawHttp(proxy.ingressAddress()); RawHttp second = new RawHttp(proxy.ingressAddress())) {
            assertThat(first.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(second.send("GET /2 HTTP/1.1\r\nHost: a\r\n\r\n").read().status()).isEqualTo(200);
            try (RawHttp third = new RawHttp(proxy.ingressAddress())) {
                try {
                    third.send("GET /third HTTP/1.1\r\nHost: a\r\n\r\n");
                } catch (IOException alreadyClosed) {
                    // closed before the request went out: what we expect
                }
                assertThat(third.closedByPeer()).as("third connection closed unanswered").isTrue();
            }
            first.close();
            // Once the first has gone, a new connection is served again.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                try (RawHttp again = new RawHttp(proxy.ingressAddress())) {
                    assertThat(again.send("GET /3 HTTP/1.1\r\nHost: a\r\n\r\n").read().status()).isEqualTo(200);
                }
            });
            assertThat(second.send("GET /4 HTTP/1.1\r\nHost: a\r\n\r\n").read().status()).isEqualTo(200);
        }
        assertThat(agent.received()).extracting(StubAgent.Received::uri).doesNotContain("/third").contains("/3", "/4");
    }

    @Test
    void idleConnectionsAreClosedAfterIdleTimeout() throws Exception {
        startProxy(1, 100);
        try (RawHttp silent = new RawHttp(proxy.ingressAddress()); RawHttp used = new RawHttp(proxy.ingressAddress())) {
            long start = System.nanoTime();
            assertThat(used.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n").read().status()).isEqualTo(200);
            silent.setTimeoutMillis(5_000);
            used.setTimeoutMillis(5_000);
            assertThat(silent.closedByPeer()).as("never-used connection closed").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(900));
            assertThat(used.closedByPeer()).as("connection idle after a request closed").isTrue();
        }
    }

    @Test
    void aRequestHeadNotFinishedByTheIdleTimeoutIsAnswered408ThenClosed() throws Exception {
        startProxy(1, 100);
        try (RawHttp slow = new RawHttp(proxy.ingressAddress())) {
            slow.setTimeoutMillis(5_000);
            slow.send("GET /x HTTP/1.1\r\nHost: a\r\nX-Slow: 1\r\n"); // a slowloris client: the head never ends
            RawHttp.Response response = slow.read();
            assertThat(response.status()).isEqualTo(408);
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(response.body()).contains("\"error\":\"request_timeout\"");
            assertThat(slow.closedByPeer()).isTrue();
        }
        assertThat(agent.received()).isEmpty();
    }

    @Test
    void aConnectionIdleAfterItsLastAnswerIsClosedWithoutAnAnswer() throws Exception {
        startProxy(1, 100);
        try (RawHttp used = new RawHttp(proxy.ingressAddress())) {
            used.setTimeoutMillis(5_000);
            assertThat(used.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(used.closedByPeer()).as("closed, and nothing was written before the close").isTrue();
        }
    }

    @Test
    void clientLeavingWhileTheAgentWorksCancelsTheUpstreamRequest() throws Exception {
        startProxy(60, 100);
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            client.send("GET /silent HTTP/1.1\r\nHost: a\r\n\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> agent.received().size() == 1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.closedConnections() == 1);
    }

    @Test
    void clientLeavingMidUploadCancelsTheUpstreamRequest() throws Exception {
        startProxy(60, 100);
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            client.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n" + "u".repeat(10_000));
            await().atMost(Duration.ofSeconds(5)).until(() -> agent.bodyBytesSoFar() == 10_000);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.closedConnections() == 1);
        assertThat(agent.received()).isEmpty();
    }

    private static RawHttp.Response readOrNull(RawHttp client) {
        try {
            return client.read();
        } catch (IOException e) {
            return null; // reset before the answer: also a refusal
        }
    }
}
