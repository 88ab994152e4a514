package io.runagents.ingress.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The proxy's request decoder against the Netty decoder it replaced (with the settings the listeners used), on
 * thousands of mutated requests, each split into reads at random points: wherever the proxy's decoder accepts a
 * request, Netty's accepted the same request with the same head, body and trailers; wherever Netty's refused one,
 * the proxy's refused it too, no later. Where only the proxy's refuses (it is stricter, see
 * {@link RequestHeadParser}), the input is counted, and each kind of difference must be one of those it means to make.
 */
class RequestDecoderDifferentialTest {
    private static final int MAX_HEADER_BYTES = 1024;
    private static final String[] BASES = {
        "GET /a/b?q=1 HTTP/1.1\r\nHost: a.example\r\nUser-Agent: t\r\nAccept: */*\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nX-T: v\r\n\r\n",
        "GET http://b.example:8080/y HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer abc.def.ghi\r\n\r\n"
            + "GET /second HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\nX-Empty:\r\nX-Tab:\tv\t\r\n\r\n",
        "PUT /u HTTP/1.1\r\nHost: a\r\ncontent-length: 3\r\nX-Obs: caf\u00e9\r\n\r\nabcGET /n HTTP/1.1\r\nHost: a\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\nOrigin: https://c.example\r\n\r\n",
        "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n",
        // At the header limit: the proxy counts each line's CRLF too, Netty does not.
        "GET /big HTTP/1.1\r\nHost: a\r\nX-Fill: " + "f".repeat(MAX_HEADER_BYTES - 19) + "\r\n\r\n",
    };
    private static final String[] INSERTS = {" ", "\t", "\r", "\n", "\r\n", ":", ",", ";", "0", "1", "a", "A", "\u0000",
        "\u007f", "\u0080", "\u00ff", "-", "/", "\r\n ", "\r\nContent-Length: 2", "\r\nTransfer-Encoding: chunked",
        "\r\nContent-Length: 0", "\r\nHost: b", "HTTP/1.1", "\r\n\r\n", "x\r\n", "ffffffffffffffffff", "\\", "\""};

    @Test
    void acceptsOnlyWhatNettyAcceptsAndReadsItTheSame() {
        Random random = new Random(20261204);
        Map<String, Integer> stricter = new TreeMap<>();
        int accepted = 0;
        int iterations = Integer.getInteger("differential.iterations", 20_000);
        for (int n = 0; n < iterations; n++) {
            byte[] input = mutate(BASES[random.nextInt(BASES.length)], random);
            int[] splits = splits(input.length, random);
            List<String> netty = decode(new HttpServerCodec(new HttpDecoderConfig()
                    .setMaxInitialLineLength(ServerCodecs.MAX_REQUEST_LINE).setMaxHeaderSize(MAX_HEADER_BYTES)
                    .setMaxChunkSize(ServerCodecs.MAX_CHUNK)), input, splits);
            List<String> ours = decode(new ProxyServerCodec(MAX_HEADER_BYTES), input, splits);
            String shown = show(input);
            int oursFailed = firstFailure(ours);
            int nettyFailed = firstFailure(netty);
            if (oursFailed < 0) {
                assertThat(ours).as("read by the proxy's decoder: %s", shown)
                        .isEqualTo(netty.subList(0, Math.min(ours.size(), netty.size())));
                List<String> rest = netty.subList(ours.size(), netty.size());
                if (rest.isEmpty()) {
                    accepted++;
                } else {
                    // Netty refuses a bad line as it arrives; this decoder reads a block of lines once its empty
                    // line is in, so it was still waiting (and a close then refuses a head, as a timeout would).
                    assertThat(rest).as("Netty read more than the proxy's decoder: %s", shown).singleElement()
                            .asString().startsWith("FAIL");
                    stricter.merge("waiting for the end of the lines", 1, Integer::sum);
                }
                continue;
            }
            assertThat(ours.subList(0, oursFailed)).as("before the proxy's decoder refused: %s", shown)
                    .isEqualTo(netty.subList(0, Math.min(oursFailed, netty.size())));
            if (nettyFailed >= 0) {
                assertThat(oursFailed).as("refused no later than Netty: %s", shown).isLessThanOrEqualTo(nettyFailed);
            }
            if (nettyFailed != oursFailed) {
                if (stricter.merge(ours.get(oursFailed), 1, Integer::sum) == 1) {
                    System.out.println("only the proxy's decoder refused (" + ours.get(oursFailed) + "): "
                            + shown.substring(0, Math.min(shown.length(), 200)));
                }
            }
        }
        System.out.println("accepted " + accepted + " of " + iterations + "; refused only by the proxy's decoder: "
                + stricter);
        assertThat(accepted).as("the mutations leave enough requests valid to compare").isGreaterThan(iterations / 10);
        assertThat(stricter.keySet()).allSatisfy(kind -> assertThat(kind).containsAnyOf(
                "obs-fold", "request method", "request target", "HTTP version", "chunk extension",
                "header lines are larger", "waiting for the end of the lines"));
    }

    private static List<String> decode(ChannelHandler codec, byte[] input, int[] splits) {
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        List<String> seen = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int from = 0;
        for (int split : splits) {
            channel.writeInbound(Unpooled.copiedBuffer(input, from, split - from)); // a decoder may move bytes in its buffer
            drain(channel, seen, body);
            from = split;
        }
        channel.finish();
        drain(channel, seen, body);
        channel.finishAndReleaseAll();
        return seen;
    }

    private static void drain(EmbeddedChannel channel, List<String> seen, ByteArrayOutputStream body) {
        Object message;
        while ((message = channel.readInbound()) != null) {
            if (message instanceof HttpObject object && object.decoderResult().isFailure()) {
                seen.add("FAIL " + object.decoderResult().cause());
            } else if (message instanceof HttpRequest request) {
                seen.add("HEAD " + request.method() + " " + request.uri() + " " + request.protocolVersion() + " "
                        + request.headers().entries());
            }
            if (message instanceof HttpContent content && !(message instanceof HttpObject o && o.decoderResult().isFailure())) {
                ByteBuf bytes = content.content();
                byte[] copy = new byte[bytes.readableBytes()];
                bytes.getBytes(bytes.readerIndex(), copy);
                body.writeBytes(copy);
                if (message instanceof LastHttpContent last) {
                    seen.add("BODY " + show(body.toByteArray()) + " TRAILERS " + last.trailingHeaders().entries());
                    body.reset();
                }
            }
            io.netty.util.ReferenceCountUtil.release(message);
        }
    }

    private static int firstFailure(List<String> seen) {
        for (int i = 0; i < seen.size(); i++) {
            if (seen.get(i).startsWith("FAIL")) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] mutate(String base, Random random) {
        StringBuilder text = new StringBuilder(base);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(text.length() + 1);
            switch (random.nextInt(4)) {
                case 0 -> text.insert(at, INSERTS[random.nextInt(INSERTS.length)]);
                case 1 -> {
                    if (at < text.length()) {
                        text.deleteCharAt(at);
                    }
                }
                case 2 -> {
                    if (at < text.length()) {
                        text.setCharAt(at, INSERTS[random.nextInt(INSERTS.length)].charAt(0));
                    }
                }
                default -> { } // some inputs stay valid, to compare what both accept
            }
        }
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int[] splits(int length, Random random) {
        int pieces = 1 + random.nextInt(3);
        int[] splits = new int[pieces];
        for (int i = 0; i < pieces - 1; i++) {
            splits[i] = random.nextInt(length + 1);
        }
        splits[pieces - 1] = length;
        java.util.Arrays.sort(splits);
        return splits;
    }

    private static String show(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
    }
}
