package io.runagents.ingress.core.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import java.time.Clock;
import io.runagents.ingress.core.runtime.RuntimeConfig;
import io.runagents.ingress.core.testing.TestConfigs;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guard's header hygiene, handler by handler (SPEC section 5): hop-by-hop headers and whatever
 * {@code Connection} names go, except the framing and addressing headers; the proxy's identity headers and
 * every configured claim header go in any spelling. Every buffer the test makes must be released by the
 * end: a leak fails the test.
 */
class HeaderHygieneTest {
    private final List<ByteBuf> buffers = new ArrayList<>();
    private EmbeddedChannel channel;
    private RuntimeConfig config;

    @BeforeEach
    void setUp() {
        Map<String, String> claims = new LinkedHashMap<>();
        claims.put("email", "X-User-Email");
        claims.put("groups", "X-User-Groups");
        IdentityProvider provider = new IdentityProvider("corp", "corp.example", "https://idp.example",
                URI.create("https://idp.example/jwks"), List.of(), IdentityProvider.DEFAULT_ALGORITHMS, 60, null,
                "sub", List.of(), "groups", false, claims);
        RuntimeConfig config = TestConfigs.runtime(TestConfigs.snapshot(Limits.DEFAULTS, List.of(), List.of(provider)));
        this.config = config;
        channel = new EmbeddedChannel(new ExchangeStages(
                new ExchangeLog(new ProxyMetrics(), null, ListenerProfile.INGRESS, Clock.systemUTC()),
                List.of(RequestGuard.INSTANCE)));
    }

    @AfterEach
    void noLeaks() {
        channel.finishAndReleaseAll();
        assertThat(buffers).as("every buffer released").allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void hopByHopHeadersAndThoseConnectionNamesAreRemoved() {
        HttpHeaders headers = passed(request(HttpMethod.GET, "/x",
                "Connection", "keep-alive, X-Secret", "Connection", "x-other ,", "X-Secret", "s", "X-Other", "o",
                "Keep-Alive", "timeout=5", "Proxy-Connection", "keep-alive", "TE", "trailers", "Trailer", "X-T",
                "Upgrade", "h2c", "HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA", "X-Keep", "k")).head().headers();
        assertThat(headers.names()).map(String::toLowerCase).containsExactlyInAnyOrder("host", "x-keep");
    }

    @Test
    void identityHeadersAreRemovedInAnySpelling() {
        HttpHeaders headers = passed(request(HttpMethod.GET, "/x", "Connection", "X-End-User-ID",
                "X-End-User-ID", "mallory", "x-end-user-id", "mallory", "X_End_User_ID", "mallory",
                "X-END-USER-CONTEXT", "forged", "x_end_user_context", "forged", "X-End-User_Id", "mallory",
                "X-End-User-IDs", "kept", "X-End-User", "kept")).head().headers();
        assertThat(headers.names()).map(String::toLowerCase)
                .containsExactlyInAnyOrder("host", "x-end-user-ids", "x-end-user");
    }

    @Test
    void underscoreTwinsOfFramingAndForwardingHeadersAreRemoved() {
        // A CGI-style agent folds X_Forwarded_For into the same variable as the X-Forwarded-For the proxy appends.
        HttpHeaders headers = passed(request(HttpMethod.GET, "/x", "X_Forwarded_For", "10.0.0.1",
                "x_forwarded_host", "admin.internal", "X_Forwarded_Proto", "https", "X_Request_ID", "forged",
                "Content_Length", "5", "Transfer_Encoding", "chunked", "Forwarded_", "kept", "X-Forwarded-For", "1.2.3.4",
                "X_Custom_Header", "kept")).head().headers();
        assertThat(headers.names()).map(String::toLowerCase)
                .containsExactlyInAnyOrder("host", "forwarded_", "x-forwarded-for", "x_custom_header");
    }

    @Test
    void configuredClaimHeadersAreRemovedOnEveryRequest() {
        HttpHeaders headers = passed(request(HttpMethod.GET, "/open-route", "X-User-Email", "ceo@corp.example",
                "x_user_email", "ceo@corp.example", "X-USER-GROUPS", "admins", "X-User_Groups", "admins",
                "X-User-Emails", "kept")).head().headers();
        assertThat(headers.names()).map(String::toLowerCase).containsExactlyInAnyOrder("host", "x-user-emails");
    }

    @Test
    void framingAndHostCannotBeRemovedThroughConnection() {
        HttpRequest head = request(HttpMethod.POST, "/x", "Content-Length", "3",
                "Connection", "Content-Length, Transfer-Encoding, Host, close");
        channel.writeInbound(exchange(head), content("abc", true));
        Exchange request = channel.readInbound();
        assertThat(request.head().headers().get("content-length")).isEqualTo("3");
        assertThat(request.head().headers().get("host")).isEqualTo("a.example");
        assertThat(request.head().headers().contains("connection")).isFalse();
        assertThat(request.closesConnection()).as("Connection: close read before removal").isTrue();
        releaseBody();
    }

    @Test
    void webSocketUpgradeKeepsUpgradeButNothingElseConnectionNames() {
        Exchange request = passed(request(HttpMethod.GET, "/ws", "Connection", "Upgrade, X-Secret",
                "Upgrade", "websocket", "X-Secret", "s", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Version", "13"));
        assertThat(request.webSocket()).isTrue();
        HttpHeaders headers = request.head().headers();
        assertThat(headers.get("upgrade")).isEqualTo("websocket");
        assertThat(headers.get("connection")).isEqualToIgnoringCase("upgrade");
        assertThat(headers.contains("x-secret")).isFalse();
        assertThat(headers.contains("sec-websocket-key")).isTrue();
    }

    @Test
    void http10WithoutKeepAliveIsNotKeptAlive() {
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/x");
        head.headers().set("Host", "a.example");
        Exchange request = passed(head);
        assertThat(request.http10()).isTrue();
        assertThat(request.closesConnection()).isTrue();
    }

    @Test
    void saneRequestIdIsKeptAndAnInsaneOneReplaced() {
        assertThat(passed(request(HttpMethod.GET, "/x", "X-Request-ID", "abc-123")).requestId()).isEqualTo("abc-123");
        assertThat(passed(request(HttpMethod.GET, "/x", "X-Request-ID", "bad id\"}")).requestId())
                .matches("[0-9a-f]{32}");
        assertThat(passed(request(HttpMethod.GET, "/x", "X-Request-ID", "a".repeat(129))).requestId())
                .matches("[0-9a-f]{32}");
        assertThat(passed(request(HttpMethod.GET, "/x", "X-Request-ID", "a", "X-Request-ID", "b")).requestId())
                .isNotIn("a", "b");
    }

    @Test
    void refusedRequestIsAnswered400AndItsBodyReleased() {
        HttpRequest head = request(HttpMethod.POST, "/x", "Host", "b.example", "Content-Length", "6");
        HttpContent first = content("abc", false);
        HttpContent last = content("def", true);
        channel.writeInbound(exchange(head), first, last);
        assertThat((Object) channel.readInbound()).as("nothing passed on").isNull();
        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).isEqualTo(400);
            assertThat(response.headers().get("content-type")).isEqualTo("application/json");
            assertThat(response.headers().get("connection")).isEqualToIgnoringCase("close");
            assertThat(response.content().toString(StandardCharsets.UTF_8))
                    .contains("\"error\":\"bad_request\"").contains("Host");
        } finally {
            response.release();
        }
        assertThat(channel.isOpen()).as("closed after the refusal").isFalse();
        assertThat(first.refCnt()).isZero();
        assertThat(last.refCnt()).isZero();
    }

    /** Writes a bodyless request, returns what the guard passed on, and checks the end followed it. */
    private Exchange passed(HttpRequest head) {
        channel.writeInbound(exchange(head), LastHttpContent.EMPTY_LAST_CONTENT);
        Exchange request = channel.readInbound();
        assertThat(request).as("request passed on").isNotNull();
        assertThat((Object) channel.readInbound()).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat((Object) channel.readOutbound()).as("no response").isNull();
        return request;
    }

    /** The exchange the sequencer would make of {@code head}. */
    private Exchange exchange(HttpRequest head) {
        return new Exchange(head, config, ListenerProfile.INGRESS, System.nanoTime(), () -> { });
    }

    private void releaseBody() {
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    /** A request to host a.example with the given header name/value pairs. */
    private static HttpRequest request(HttpMethod method, String uri, String... nameValues) {
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        head.headers().add("Host", "a.example");
        for (int i = 0; i < nameValues.length; i += 2) {
            head.headers().add(nameValues[i], nameValues[i + 1]);
        }
        return head;
    }

    private HttpContent content(String text, boolean last) {
        ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        buffers.add(buf);
        return last ? new io.netty.handler.codec.http.DefaultLastHttpContent(buf) : new DefaultHttpContent(buf);
    }
}
