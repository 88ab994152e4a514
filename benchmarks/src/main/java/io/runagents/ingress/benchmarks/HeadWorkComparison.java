package io.runagents.ingress.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.core.http.HeaderList;
import io.runagents.ingress.core.http.ProxyHeaders;
import io.runagents.ingress.core.http.ServerCodecs;
import java.util.Arrays;
import java.util.Locale;

/**
 * The head work of one proxied request, with the listeners' codec against Netty's server codec it replaced:
 * decode the client's head, the reads and edits the guard, identity stage and relay make, encode the head the agent
 * receives, encode the answer. The two alternate round by round in one JVM, and each round's ratio is reported, so
 * the machine's drift (a shared, noisy one) falls on both alike; JMH runs one after the other.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.runagents.ingress.benchmarks.HeadWorkComparison
 * [ROUNDS] [OPS_PER_ROUND]}: one line per route (the open route's head, and the authenticated one's with a
 * 900-character token).
 */
public final class HeadWorkComparison {
    private static final AsciiString CONTEXT = new AsciiString("c".repeat(600));

    private HeadWorkComparison() { }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        for (String token : new String[] {null, "t".repeat(900)}) {
            System.out.println(compare(token, rounds, ops));
        }
    }

    /** One route's line: the medians of both codecs (ns per request) and of the per-round ratio, with its range. */
    static String compare(String token, int rounds, int ops) {
        ByteBuf head = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(BlockingHttpClient.get(
                token == null ? PipelineFixture.OPEN_PATH : PipelineFixture.AUTH_PATH, PipelineFixture.HOST, token)));
        EmbeddedChannel proxy = new EmbeddedChannel(ServerCodecs.of(Limits.DEFAULTS));
        EmbeddedChannel netty = new EmbeddedChannel(nettyCodec());
        EmbeddedChannel upstream = new EmbeddedChannel(new HttpRequestEncoder());
        for (int warm = 0; warm < 3; warm++) {
            run(netty, upstream, head, ops);
            run(proxy, upstream, head, ops);
        }
        double[] nettyNs = new double[rounds];
        double[] proxyNs = new double[rounds];
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            nettyNs[r] = run(netty, upstream, head, ops);
            proxyNs[r] = run(proxy, upstream, head, ops);
            ratios[r] = proxyNs[r] / nettyNs[r];
        }
        proxy.finishAndReleaseAll();
        netty.finishAndReleaseAll();
        upstream.finishAndReleaseAll();
        ReferenceCountUtil.release(head.unwrap());
        return String.format(Locale.ROOT, "route=%s netty_ns=%.0f proxy_ns=%.0f proxy/netty=%.3f (%.3f-%.3f, %d rounds)",
                token == null ? "open" : "authenticated", median(nettyNs), median(proxyNs), median(ratios),
                Arrays.stream(ratios).min().orElse(0), Arrays.stream(ratios).max().orElse(0), rounds);
    }

    /** Netty's server codec with the settings the listeners used before they had their own decoder. */
    private static ChannelHandler nettyCodec() {
        return new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(ServerCodecs.MAX_REQUEST_LINE)
                .setMaxHeaderSize(Limits.DEFAULTS.maxHeaderBytes()).setMaxChunkSize(ServerCodecs.MAX_CHUNK));
    }

    private static double run(EmbeddedChannel server, EmbeddedChannel upstream, ByteBuf head, int ops) {
        long sink = 0;
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            server.writeInbound(head.duplicate());
            HttpRequest request = server.readInbound();
            ReferenceCountUtil.release(server.readInbound()); // the empty LastHttpContent
            sink += stages(request);
            upstream.writeOutbound(request, LastHttpContent.EMPTY_LAST_CONTENT);
            for (Object out; (out = upstream.readOutbound()) != null; ) {
                sink += ((ByteBuf) out).readableBytes();
                ((ByteBuf) out).release();
            }
            server.writeOutbound(HeadCodecBenchmark.noContent());
            ReferenceCountUtil.release(server.readOutbound());
        }
        if (sink == 42) {
            System.out.println(); // keeps the work from being optimised away
        }
        return (System.nanoTime() - start) / (double) ops;
    }

    /** What the guard, the identity stage and the relay read and change on every request (RequestGuard, ...). */
    private static long stages(HttpRequest request) {
        HttpHeaders headers = request.headers();
        long sink = headers.get(HttpHeaderNames.HOST).length() + headers.getAll(HttpHeaderNames.HOST).size()
                + headers.getAll(HttpHeaderNames.TRANSFER_ENCODING).size() + (HttpUtil.isKeepAlive(request) ? 1 : 0);
        headers.remove(HttpHeaderNames.CONNECTION).remove(HttpHeaderNames.KEEP_ALIVE).remove(HttpHeaderNames.TE)
                .remove(HttpHeaderNames.TRAILER).remove(HttpHeaderNames.UPGRADE);
        sink += headers.get(HttpHeaderNames.ORIGIN) == null ? 0 : 1;
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null) {
            sink += authorization.substring("Bearer ".length()).length();
            headers.remove(HttpHeaderNames.AUTHORIZATION);
            headers.set(ProxyHeaders.X_END_USER_ID, ProxyHeaders.utf8("alice@corp.example"));
            HeaderList.setProduced(headers, ProxyHeaders.X_END_USER_CONTEXT, CONTEXT);
        }
        headers.set(ProxyHeaders.X_REQUEST_ID, "0123456789abcdef0123456789abcdef");
        headers.set(ProxyHeaders.X_FORWARDED_FOR, "127.0.0.1");
        headers.set(ProxyHeaders.X_FORWARDED_PROTO, "http");
        headers.set(ProxyHeaders.X_FORWARDED_HOST, PipelineFixture.HOST);
        request.setUri("/x");
        return sink;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
