package io.runagents.ingress.core.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.Behaviors;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the client sees when an agent fails (SPEC section 5): refused is 502 at once, silent is 504 at
 * {@code timeoutSeconds}, reset mid-response is a truncated response, malformed is 502; a group skips a
 * dead upstream; and after each failure the proxy goes on serving.
 */
class UpstreamFailureTest {
    private StubAgent agent;
    private ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        agent = StubAgent.start()
                .on("/silent", Behaviors.SILENT)
                .on("/reset", Behaviors.RESET_MID_RESPONSE)
                .on("/malformed", Behaviors.MALFORMED)
                .on("/switch", Behaviors.UNASKED_SWITCH);
        URI dead = URI.create("http://127.0.0.1:" + unusedPort());
        URI alsoDead = URI.create("http://127.0.0.1:" + unusedPort());
        proxy = ProxyServer.start(TestConfigs.snapshot(List.of(
                TestConfigs.openAgent("down", "/down", dead),
                new Agent("group", null, "/group", List.of(alsoDead, agent.uri()), false, Access.OPEN, null, 300, null),
                new Agent("silent", null, "/silent", List.of(agent.uri()), false, Access.OPEN, null, 1, null),
                TestConfigs.openAgent("reset", "/reset", agent.uri()),
                TestConfigs.openAgent("malformed", "/malformed", agent.uri()),
                TestConfigs.openAgent("switch", "/switch", agent.uri()),
                TestConfigs.openAgent("ok", "/ok", agent.uri()))), 2);
    }

    @AfterEach
    void stop() {
        proxy.close();
        agent.close();
    }

    @Test
    void refusedConnectionIs502Fast() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            long start = System.nanoTime();
            RawHttp.Response response = client.send("GET /down/x HTTP/1.1\r\nHost: a\r\n\r\n").read();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(response.status()).isEqualTo(502);
            assertThat(response.body()).contains("\"error\":\"bad_gateway\"");
            assertThat(took).isLessThan(Duration.ofSeconds(1));
            assertServes(client);
        }
    }

    @Test
    void groupSkipsTheDeadUpstream() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            for (int i = 0; i < 6; i++) {
                assertThat(client.send("GET /group/" + i + " HTTP/1.1\r\nHost: a\r\n\r\n").read().status())
                        .as("request %d", i).isEqualTo(200);
            }
        }
        for (int i = 0; i < 6; i++) {
            try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
                assertThat(client.send("GET /group/c" + i + " HTTP/1.1\r\nHost: a\r\n\r\n").read().status())
                        .as("request on connection %d", i).isEqualTo(200);
            }
        }
        assertThat(agent.received()).hasSize(12);
    }

    @Test
    void silentAgentIs504AtTheTimeoutAndItsConnectionIsClosed() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            long start = System.nanoTime();
            RawHttp.Response response = client.send("GET /silent HTTP/1.1\r\nHost: a\r\n\r\n").read();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(response.status()).isEqualTo(504);
            assertThat(response.body()).contains("\"error\":\"gateway_timeout\"");
            assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofMillis(2500));
            await().atMost(Duration.ofSeconds(5)).until(() -> agent.closedConnections() >= 1);
            assertServes(client);
        }
    }

    @Test
    void resetMidResponseIsTruncatedNotClean() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            client.send("GET /reset HTTP/1.1\r\nHost: a\r\n\r\n");
            RawHttp.Response response = readOrNull(client);
            if (response != null) {
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.complete()).as("a truncated response must not look complete").isFalse();
                assertThat(response.body().length()).isLessThan(1024 * 1024);
            }
        }
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            assertServes(client);
        }
    }

    @Test
    void malformedResponseIs502() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response response = client.send("GET /malformed HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(502);
            assertThat(response.body()).contains("\"error\":\"bad_gateway\"");
            assertServes(client);
        }
    }

    @Test
    void aClientThatStallsMidBodyIs408NotTheAgents504() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response response = client.send("POST /silent HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n"
                    + "abc").read();
            assertThat(response.status()).isEqualTo(408);
            assertThat(response.body()).contains("\"error\":\"request_timeout\"");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void switchingProtocolsWithoutAWebSocketUpgradeIs502() throws Exception {
        // The client's h2c upgrade is stripped, so an agent answering 101 anyway has left HTTP/1.1 unasked.
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response response = client.send("GET /switch HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\n"
                    + "Upgrade: h2c\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(502);
            assertThat(response.body()).contains("switched protocols without a WebSocket upgrade");
            assertServes(client);
        }
    }

    /** The response, or null when the connection was reset before a whole response head arrived. */
    private static RawHttp.Response readOrNull(RawHttp client) {
        try {
            return client.read();
        } catch (IOException e) {
            return null;
        }
    }

    private void assertServes(RawHttp client) throws IOException {
        RawHttp.Response response = client.send("GET /ok HTTP/1.1\r\nHost: a\r\n\r\n").read();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("\"/ok\"");
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
