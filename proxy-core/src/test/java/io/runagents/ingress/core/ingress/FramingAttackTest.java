package io.runagents.ingress.core.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request smuggling and malformed heads over raw sockets (SPEC section 5): each is answered 400 with a
 * JSON error, the connection is closed, and the agent receives nothing of it, not even a request
 * smuggled behind it. The connection first sends a good request, so the event loop holds a pooled
 * upstream connection a smuggled request could slip through.
 */
class FramingAttackTest {
    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";

    private StubAgent agent;
    private StubAgent other;
    private ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        agent = StubAgent.start();
        other = StubAgent.start();
        proxy = ProxyServer.start(TestConfigs.snapshot(List.of(
                TestConfigs.openAgent("main", "/", agent.uri()),
                new Agent("other", "b.example", "/", List.of(other.uri()), false, Access.OPEN, null, 300, null))), 2);
    }

    @AfterEach
    void stop() {
        proxy.close();
        agent.close();
        other.close();
    }

    static Stream<Arguments> attacks() {
        String post = "POST /x HTTP/1.1\r\nHost: a\r\n";
        return Stream.of(
                Arguments.of("CL then TE", post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("TE then CL", post + "Transfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("CL with TE after a tab", post + "Content-Length: 5\r\nTransfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("two Content-Lengths", post + "Content-Length: 0\r\nContent-Length: 36\r\n\r\n" + SMUGGLED),
                Arguments.of("Content-Length list", post + "Content-Length: 0, 36\r\n\r\n" + SMUGGLED),
                Arguments.of("signed Content-Length", post + "Content-Length: +0\r\n\r\n" + SMUGGLED),
                Arguments.of("TE xchunked", post + "Transfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("TE chunked, identity", post + "Transfer-Encoding: chunked, identity\r\n\r\n" + SMUGGLED),
                Arguments.of("TE identity", post + "Transfer-Encoding: identity\r\n\r\n0\r\n\r\n"),
                // The decoder reads these as chunked; an agent that does not would misframe the body.
                Arguments.of("TE chunked with a trailing comma", post + "Transfer-Encoding: chunked,\r\n\r\n"
                        + "0\r\n\r\n" + SMUGGLED),
                Arguments.of("TE chunked after a comma", post + "Transfer-Encoding: ,chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("TE identity, chunked", post + "Transfer-Encoding: identity, chunked\r\n\r\n"
                        + "0\r\n\r\n" + SMUGGLED),
                Arguments.of("TE gzip, chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("TE with vertical tab", post + "Transfer-Encoding: \u000bchunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("whitespace before colon", post + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("tab before colon", post + "Content-Length\t: 0\r\n\r\n" + SMUGGLED),
                Arguments.of("duplicate TE", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("space in header name", "GET /x HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n" + SMUGGLED),
                Arguments.of("non-ASCII header name", "GET /x HTTP/1.1\r\nHost: a\r\nX-\u00c4: y\r\n\r\n" + SMUGGLED),
                Arguments.of("NUL in header name", "GET /x HTTP/1.1\r\nHost: a\r\nX-A\u0000: y\r\n\r\n" + SMUGGLED),
                Arguments.of("separator in header name", "GET /x HTTP/1.1\r\nHost: a\r\nX(A): y\r\n\r\n" + SMUGGLED),
                Arguments.of("empty header name", "GET /x HTTP/1.1\r\nHost: a\r\n: y\r\n\r\n" + SMUGGLED),
                Arguments.of("bare CR in header value", "GET /x HTTP/1.1\r\nHost: a\r\nX-A: a\rb\r\n\r\n" + SMUGGLED),
                Arguments.of("NUL in header value", "GET /x HTTP/1.1\r\nHost: a\r\nX-A: a\u0000b\r\n\r\n" + SMUGGLED),
                Arguments.of("missing Host", "GET /x HTTP/1.1\r\n\r\n" + SMUGGLED),
                Arguments.of("two Hosts", "GET /x HTTP/1.1\r\nHost: a\r\nHost: b.example\r\n\r\n" + SMUGGLED),
                Arguments.of("empty Host", "GET /x HTTP/1.1\r\nHost: \r\n\r\n" + SMUGGLED),
                Arguments.of("invalid Host", "GET /x HTTP/1.1\r\nHost: a/b\r\n\r\n" + SMUGGLED),
                Arguments.of("userinfo in target", "GET http://u@b.example/x HTTP/1.1\r\nHost: a\r\n\r\n" + SMUGGLED),
                Arguments.of("two Authorizations", "GET /x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer a\r\n"
                        + "Authorization: Bearer b\r\n\r\n" + SMUGGLED),
                Arguments.of("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + SMUGGLED),
                Arguments.of("HTTP/1.2", "GET /x HTTP/1.2\r\nHost: a\r\n\r\n" + SMUGGLED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void refusedWith400AndClosedAndNothingReachesTheAgent(String name, String attack) throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            assertThat(client.send("GET /warm HTTP/1.1\r\nHost: a\r\n\r\n").read().status()).isEqualTo(200);

            RawHttp.Response response = client.send(attack).read();
            assertThat(response.status()).as(name).isEqualTo(400);
            assertThat(response.header("content-type")).isEqualTo("application/json");
            assertThat(response.body()).contains("\"error\":\"bad_request\"");
            assertThat(client.closedByPeer()).as("connection closed after " + name).isTrue();
        }
        assertOnlyWarmAndSentinelReachedTheAgent();
    }

    @Test
    void absoluteFormAuthorityWinsOverHost() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            assertThat(client.send("GET http://B.example:8080/x?q=1 HTTP/1.1\r\nHost: a.example\r\n\r\n").read()
                    .status()).isEqualTo(200);
            assertThat(client.send("GET http://a.example/y HTTP/1.1\r\nHost: b.example\r\n\r\n").read().status())
                    .isEqualTo(200);
        }
        assertThat(other.received()).singleElement().satisfies(seen -> {
            assertThat(seen.uri()).isEqualTo("/x?q=1");
            assertThat(seen.header("host")).isEqualTo("B.example:8080");
            assertThat(seen.header("x-forwarded-host")).isEqualTo("B.example:8080");
        });
        assertThat(agent.received()).singleElement().satisfies(seen -> {
            assertThat(seen.uri()).isEqualTo("/y");
            assertThat(seen.header("host")).isEqualTo("a.example");
        });
    }

    @Test
    void h2cUpgradeIsNeverForwarded() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response response = client.send("GET /x HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("upgrade")).isNull();
        }
        assertThat(agent.received()).singleElement().satisfies(seen -> assertThat(seen.headers().names())
                .map(String::toLowerCase).doesNotContain("upgrade", "http2-settings", "connection"));
    }

    @Test
    void chunkedBodyIsReframedExactlyAndTrailersAreDropped() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response response = client.send("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\tChunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\nX-Trailer: t\r\nX-End-User-ID: mallory\r\n\r\n" + SMUGGLED.replace("/smuggled", "/next"))
                    .read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).contains("\"bodyBytes\":5");
            assertThat(client.read().status()).isEqualTo(200);
        }
        assertThat(agent.received()).extracting(StubAgent.Received::uri).containsExactly("/x", "/next");
        assertThat(agent.received().get(0).headers().names()).map(String::toLowerCase)
                .doesNotContain("x-trailer", "x-end-user-id");
    }

    /** A sentinel request on a fresh connection, so anything the attack set in motion has happened first. */
    private void assertOnlyWarmAndSentinelReachedTheAgent() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            assertThat(client.send("GET /sentinel HTTP/1.1\r\nHost: a\r\n\r\n").read().status()).isEqualTo(200);
        }
        assertThat(agent.received()).extracting(StubAgent.Received::uri).containsExactly("/warm", "/sentinel");
        assertThat(agent.requestsStarted()).isEqualTo(2);
        assertThat(other.requestsStarted()).isZero();
    }
}
