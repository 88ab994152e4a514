package io.runagents.ingress.core.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay over real sockets: stub agent, proxy, raw client. */
class RelayEndToEndTest {
    private StubAgent agent;
    private StubAgent other;
    private ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        agent = StubAgent.start();
        other = StubAgent.start();
        proxy = ProxyServer.start(TestConfigs.snapshot(List.of(
                TestConfigs.openAgent("echo", "/", agent.uri()),
                new Agent("support", "portal.example.com", "/support", List.of(other.uri()), true, Access.OPEN,
                        null, 300, null))), 2);
    }

    @AfterEach
    void stop() {
        proxy.close();
        agent.close();
        other.close();
    }

    @Test
    void forwardsWithProxyHeadersAndEchoesRequestId() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response response = client.send("GET /hello?x=1 HTTP/1.1\r\nHost: api.example.com:8080\r\n"
                    + "X-Request-ID: abc-123\r\nX-End-User-ID: mallory\r\nX_End_User_ID: mallory\r\n"
                    + "Authorization: Bearer zzz\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-Host: evil\r\n"
                    + "Forwarded: for=10.9.9.9;proto=https;host=evil\r\nX-Real-IP: 10.9.9.9\r\n"
                    + "X-Original-URL: /admin\r\nX-HTTP-Method-Override: DELETE\r\nX-Forwarded-Prefix: /evil\r\n"
                    + "Proxy-Authorization: Bearer zzz\r\n"
                    + "Connection: keep-alive, X-Secret\r\nX-Secret: s\r\nKeep-Alive: 5\r\nTE: trailers\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("x-request-id")).isEqualTo("abc-123");
        }
        StubAgent.Received seen = agent.received().get(0);
        assertThat(seen.uri()).isEqualTo("/hello?x=1");
        assertThat(seen.header("x-forwarded-for")).isEqualTo("10.0.0.1, 127.0.0.1");
        assertThat(seen.header("x-forwarded-proto")).isEqualTo("http");
        assertThat(seen.header("x-forwarded-host")).isEqualTo("api.example.com:8080");
        assertThat(seen.header("x-request-id")).isEqualTo("abc-123");
        assertThat(seen.headers().names()).map(String::toLowerCase)
                .doesNotContain("x-end-user-id", "x_end_user_id", "authorization", "x-secret", "keep-alive", "te",
                        "connection", "forwarded", "x-real-ip", "x-original-url", "x-http-method-override",
                        "x-forwarded-prefix", "proxy-authorization");
    }

    @Test
    void routesByHostAndStripsPrefix() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            assertThat(client.send("GET /support/tickets HTTP/1.1\r\nHost: PORTAL.example.com\r\n\r\n").read().status())
                    .isEqualTo(200);
            assertThat(client.send("GET /supportx HTTP/1.1\r\nHost: portal.example.com\r\n\r\n").read().status())
                    .isEqualTo(200);
        }
        assertThat(other.received()).singleElement().extracting(StubAgent.Received::uri).isEqualTo("/tickets");
        assertThat(agent.received()).singleElement().extracting(StubAgent.Received::uri).isEqualTo("/supportx");
    }

    @Test
    void thousandRequestsOnOneConnectionReuseUpstreamConnections() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            for (int i = 0; i < 1000; i++) {
                RawHttp.Response response = client.send("GET /n/" + i + " HTTP/1.1\r\nHost: a\r\n\r\n").read();
                assertThat(response.status()).isEqualTo(200);
            }
        }
        assertThat(agent.received()).hasSize(1000);
        assertThat(agent.connections()).isEqualTo(1);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            client.send("GET /one HTTP/1.1\r\nHost: a\r\n\r\nGET /two HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "POST /three HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc");
            assertThat(client.read().body()).contains("\"/one\"");
            assertThat(client.read().body()).contains("\"/two\"");
            assertThat(client.read().body()).contains("\"/three\"").contains("\"bodyBytes\":3");
        }
    }

    @Test
    void noRouteIs404Json() throws Exception {
        proxy.apply(TestConfigs.snapshot(List.of(TestConfigs.openAgent("echo", "/only", agent.uri()))));
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response response = client.send("GET /elsewhere HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.header("content-type")).isEqualTo("application/json");
            assertThat(response.body()).contains("\"error\":\"not_found\"").contains("\"request_id\":");
            // the connection stays usable
            assertThat(client.send("GET /only/x HTTP/1.1\r\nHost: a\r\n\r\n").read().status()).isEqualTo(200);
        }
        assertThat(agent.received()).hasSize(1);
    }

    @Test
    void unusedUriField() {
        assertThat(URI.create("http://x")).isNotNull();
    }

    @Test
    void anUpstreamConnectionIsNotReusedAfterHead() throws Exception {
        // An agent that wrongly sends a body with a HEAD answer would leave it for the next request's response.
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            assertThat(client.send("HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n").readHead().status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> agent.closedConnections() == 1);
            assertThat(client.send("GET /after HTTP/1.1\r\nHost: a\r\n\r\n").read().status()).isEqualTo(200);
        }
    }
}
