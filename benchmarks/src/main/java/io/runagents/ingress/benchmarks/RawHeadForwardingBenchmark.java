package io.runagents.ingress.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.ByteProcessor;
import io.netty.util.ReferenceCountUtil;
import io.runagents.ingress.jwt.AuthResult;
import java.nio.charset.StandardCharsets;
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
 * A bound on what issue 15's structural change could buy, not an implementation of it: {@link HeadCodecBenchmark}'s
 * {@code decode} plus {@code encodeUpstream} done the way a proxy that forwards header bytes would do them. The
 * client's head is checked byte by byte (request line, header names as tokens, values without control characters,
 * CRLF line ends) and copied to the agent's head line by line, leaving out {@code Authorization} on the
 * authenticated route and appending {@code X-End-User-ID} and {@code X-End-User-Context} as bytes encoded once,
 * as a context kept with the verified-token cache entry would be. It does less than a real parser must (framing
 * headers, duplicates, obs-fold, limits), so a real one costs more; {@code answerEncode} is the 204 answer that
 * {@code HeadCodecBenchmark.decode} also writes, to subtract from that figure when comparing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class RawHeadForwardingBenchmark {
    /** RFC 9110 tchar: the bytes a header name or method may have. */
    private static final boolean[] TOKEN = new boolean[256];
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] AUTHORIZATION = "authorization".getBytes(StandardCharsets.US_ASCII);

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    /** False at the first byte a header value may not hold (controls but HTAB, and DEL). */
    private static final ByteProcessor VALUE_BYTE = b -> (b >= 0x20 || b == '\t' || b < 0) && b != 0x7f;

    @State(Scope.Thread)
    public static class Head {
        @Param({"open", "authenticated"})
        public String route;

        private boolean authenticated;
        private ByteBuf client;
        private ByteBuf out;
        /** The identity headers the agent gets on the authenticated route, encoded once. */
        private byte[] added = new byte[0];
        private EmbeddedChannel answers;

        @Setup(Level.Trial)
        public void start(AuthenticateBenchmark.Hit hit) {
            authenticated = route.equals("authenticated");
            client = HeadCodecBenchmark.clientHead(authenticated, hit);
            out = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
            if (authenticated) {
                AuthResult.Authenticated user = HeadCodecBenchmark.user(hit);
                added = ("x-end-user-id: " + user.userId() + "\r\nx-end-user-context: "
                        + HeadCodecBenchmark.context(hit, user) + "\r\n").getBytes(StandardCharsets.UTF_8);
            }
            answers = new EmbeddedChannel(new HttpResponseEncoder());
        }

        /** What the last {@code forward} wrote, for the smoke test. */
        String forwarded() {
            return out.toString(StandardCharsets.UTF_8);
        }

        @TearDown(Level.Trial)
        public void stop() {
            client.release();
            out.release();
            answers.finishAndReleaseAll();
        }
    }

    @Benchmark
    public int forward(Head h) {
        ByteBuf in = h.client;
        ByteBuf out = h.out.clear();
        int end = in.writerIndex();
        int line = in.readerIndex();
        int lf = lineEnd(in, line, end);
        requestLine(in, line, lf);
        out.writeBytes(in, line, lf + 1 - line);
        for (line = lf + 1; ; line = lf + 1) {
            lf = lineEnd(in, line, end);
            if (lf == line + 1) {
                break; // the empty line ending the head
            }
            int colon = in.indexOf(line, lf, (byte) ':');
            if (colon <= line) {
                throw new IllegalArgumentException("header line without a name");
            }
            requireToken(in, line, colon, "header name");
            if (in.forEachByte(colon + 1, lf - 1 - colon - 1, VALUE_BYTE) >= 0) {
                throw new IllegalArgumentException("bad header value");
            }
            if (h.authenticated && isAuthorization(in, line, colon)) {
                continue;
            }
            out.writeBytes(in, line, lf + 1 - line);
        }
        out.writeBytes(h.added).writeBytes(CRLF);
        return out.readableBytes();
    }

    @Benchmark
    public int answerEncode(Head h) {
        h.answers.writeOutbound(HeadCodecBenchmark.noContent());
        ByteBuf encoded = h.answers.readOutbound();
        int bytes = encoded.readableBytes();
        ReferenceCountUtil.release(encoded);
        return bytes;
    }

    /** The index of the LF ending the line at {@code from}, which must be preceded by CR. */
    private static int lineEnd(ByteBuf in, int from, int end) {
        int lf = in.indexOf(from, end, (byte) '\n');
        if (lf <= from || in.getByte(lf - 1) != '\r') {
            throw new IllegalArgumentException("line without CRLF");
        }
        return lf;
    }

    private static void requestLine(ByteBuf in, int from, int lf) {
        int space = in.indexOf(from, lf, (byte) ' ');
        requireToken(in, from, space, "method");
        int second = in.indexOf(space + 1, lf, (byte) ' ');
        for (int i = space + 1; i < second; i++) {
            byte b = in.getByte(i);
            if (b <= 0x20 || b == 0x7f) {
                throw new IllegalArgumentException("bad target");
            }
        }
        if (lf - 1 - (second + 1) != 8 || in.getByte(second + 1) != 'H') {
            throw new IllegalArgumentException("bad version");
        }
    }

    private static void requireToken(ByteBuf in, int from, int to, String what) {
        for (int i = from; i < to; i++) {
            if (!TOKEN[in.getByte(i) & 0xff]) {
                throw new IllegalArgumentException("bad " + what);
            }
        }
    }

    private static boolean isAuthorization(ByteBuf in, int from, int colon) {
        if (colon - from != AUTHORIZATION.length) {
            return false;
        }
        for (int i = 0; i < AUTHORIZATION.length; i++) {
            if ((in.getByte(from + i) | 0x20) != AUTHORIZATION[i]) {
                return false;
            }
        }
        return true;
    }
}
