package io.runagents.ingress.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.core.http.HeaderList;
import io.runagents.ingress.core.http.ProxyHeaders;
import io.runagents.ingress.core.http.ServerCodecs;
import io.runagents.ingress.jwt.AuthResult;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What each route's heads cost the HTTP codec, apart from everything else the proxy does (issue 15), for the
 * listeners' codec ({@code proxy}: the client's header bytes forwarded as they are) and for Netty's, which it
 * replaced ({@code netty}: every header decoded into objects and encoded again). Per route: {@code decode} is the
 * server codec the listeners use turning the client's head into objects (and writing a bodiless answer, the same
 * on both routes); {@code encodeUpstream} is the request encoder writing the head the agent receives (on the
 * authenticated route: without {@code Authorization}, with {@code X-End-User-ID} and a real signed
 * {@code X-End-User-Context}). Once: {@code setContext*} is setting that context into headers that validate
 * values, as the decoded request's do, and into headers that do not. The heads are those of
 * {@link BlockingHttpClient#get} with a real RS256 token; the proxy's own request edits (forwarding headers,
 * request id) are left out, being the same on both routes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class HeadCodecBenchmark {

    /** Each route's heads, for {@code decode} and {@code encodeUpstream}. */
    @State(Scope.Thread)
    public static class Heads {
        @Param({"open", "authenticated"})
        public String route;

        /** {@code proxy}: the listeners' codec; {@code netty}: Netty's server codec with the settings they used before. */
        @Param({"proxy", "netty"})
        public String codec;

        /** The client's head, direct as a socket read is; the codec gets duplicates it cannot release. */
        private ByteBuf head;
        private ByteBuf clientHead;
        private EmbeddedChannel server;
        private EmbeddedChannel upstream;
        private HttpRequest decoded;

        @Setup(Level.Trial)
        public void start(AuthenticateBenchmark.Hit hit) {
            boolean authenticated = route.equals("authenticated");
            head = clientHead(authenticated, hit);
            clientHead = Unpooled.unreleasableBuffer(head);
            server = new EmbeddedChannel(codec.equals("proxy") ? ServerCodecs.of(Limits.DEFAULTS)
                    : new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(ServerCodecs.MAX_REQUEST_LINE)
                            .setMaxHeaderSize(Limits.DEFAULTS.maxHeaderBytes()).setMaxChunkSize(ServerCodecs.MAX_CHUNK)));
            upstream = new EmbeddedChannel(new HttpRequestEncoder());
            decoded = decodeAndAnswer(this);
            if (authenticated) {
                AuthResult.Authenticated user = user(hit);
                decoded.headers().remove(HttpHeaderNames.AUTHORIZATION);
                decoded.headers().set(ProxyHeaders.X_END_USER_ID, ProxyHeaders.utf8(user.userId()));
                HeaderList.setProduced(decoded.headers(), ProxyHeaders.X_END_USER_CONTEXT, context(hit, user));
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            server.finishAndReleaseAll();
            upstream.finishAndReleaseAll();
            head.release();
        }
    }

    /** The authenticated route's context value, and headers to set it in (the same on every route). */
    @State(Scope.Thread)
    public static class Context {
        private AsciiString value;
        private final HttpHeaders validating = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        private final HttpHeaders notValidating =
                DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();

        @Setup(Level.Trial)
        public void start(AuthenticateBenchmark.Hit hit) {
            value = context(hit, user(hit));
        }
    }

    /** The route's client head (with the hit's token on the authenticated route), direct as a socket read is. */
    static ByteBuf clientHead(boolean authenticated, AuthenticateBenchmark.Hit hit) {
        return Unpooled.directBuffer().writeBytes(BlockingHttpClient.get(
                authenticated ? PipelineFixture.AUTH_PATH : PipelineFixture.OPEN_PATH, PipelineFixture.HOST,
                authenticated ? hit.token : null));
    }

    static AuthResult.Authenticated user(AuthenticateBenchmark.Hit hit) {
        return (AuthResult.Authenticated) hit.fixture.authenticator.authenticate(hit.token);
    }

    static AsciiString context(AuthenticateBenchmark.Hit hit, AuthResult.Authenticated user) {
        return hit.contexts.contextFor(user, "assistant", 60).headerValue();
    }

    @Benchmark
    public HttpRequest decode(Heads h) {
        return decodeAndAnswer(h);
    }

    /** The server codec counts requests awaiting an answer (HEAD, pipelining), so each decode is answered. */
    private static HttpRequest decodeAndAnswer(Heads h) {
        h.server.writeInbound(h.clientHead.duplicate());
        HttpRequest request = h.server.readInbound();
        ReferenceCountUtil.release(h.server.readInbound()); // the empty LastHttpContent
        h.server.writeOutbound(noContent());
        ReferenceCountUtil.release(h.server.readOutbound());
        return request;
    }

    /** The bodiless answer each decoded request gets. */
    static DefaultFullHttpResponse noContent() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
    }

    @Benchmark
    public int encodeUpstream(Heads h) {
        h.upstream.writeOutbound(h.decoded, LastHttpContent.EMPTY_LAST_CONTENT);
        int bytes = 0;
        for (Object out; (out = h.upstream.readOutbound()) != null; ) {
            bytes += ((ByteBuf) out).readableBytes();
            ((ByteBuf) out).release();
        }
        return bytes;
    }

    @Benchmark
    public HttpHeaders setContextValidated(Context c) {
        return c.validating.set(ProxyHeaders.X_END_USER_CONTEXT, c.value);
    }

    @Benchmark
    public HttpHeaders setContextNotValidated(Context c) {
        return c.notValidating.set(ProxyHeaders.X_END_USER_CONTEXT, c.value);
    }
}
