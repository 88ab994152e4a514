package io.runagents.ingress.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the proxy's decoder refuses beyond Netty's (each the start of a known smuggling or confusion trick), how it
 * hands on a head and its body, its limits, and the answer to HEAD.
 */
class RequestDecoderTest {
    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new ProxyServerCodec(1024));
    }

    private static void write(EmbeddedChannel channel, String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET /x HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\tAuthorization: Bearer forged\r\n\r\n", // obs-fold
        "GET /x\rHTTP/1.1\r\nHost: a\r\n\r\n", // CR as a separator
        "GET  /x HTTP/1.1\r\nHost: a\r\n\r\n", // two spaces
        "GET\t/x HTTP/1.1\r\nHost: a\r\n\r\n", // tab as a separator
        "GET /x\u0000y HTTP/1.1\r\nHost: a\r\n\r\n", // NUL in the target
        "GET /caf\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n", // a raw non-ASCII byte in the target
        "GET /x http/1.1\r\nHost: a\r\n\r\n", // the protocol name is case-sensitive
        " GET /x HTTP/1.1\r\nHost: a\r\n\r\n", // whitespace before the request line
        "GET /x HTTP/1.1\r\nHost: a\r\n\r\r\n", // a CR that begins a line without ending it
    })
    void refusesWhatNettyWouldHaveRead(String request) {
        EmbeddedChannel channel = channel();
        write(channel, request + "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n");
        if (!request.endsWith("\r\r\n")) {
            HttpObject refused = channel.readInbound();
            assertThat(refused.decoderResult().isFailure()).as(request).isTrue();
        } else {
            channel.finish(); // still waiting for the empty line; a close refuses the head
            HttpObject refused = channel.readInbound();
            assertThat(refused.decoderResult().isFailure()).isTrue();
        }
        assertThat((Object) channel.readInbound()).as("nothing after a refusal is read").isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void handsOnTheHeadThenTheBodyInPiecesAcrossReads() {
        EmbeddedChannel channel = channel();
        write(channel, "POST /x HTTP/1.1\r\nHo");
        assertThat((Object) channel.readInbound()).isNull();
        write(channel, "st: a\r\nContent-Length: 6\r\n\r\nabc");
        HttpRequest head = channel.readInbound();
        assertThat(head.headers()).isInstanceOf(HeaderList.class);
        assertThat(head.headers().get(HttpHeaderNames.HOST)).isEqualTo("a");
        HttpContent first = channel.readInbound();
        assertThat(first).isNotInstanceOf(LastHttpContent.class);
        assertThat(first.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
        first.release();
        write(channel, "defGET /next HTTP/1.1\r\nHost: a\r\n\r\n");
        LastHttpContent last = channel.readInbound();
        assertThat(last.content().toString(StandardCharsets.US_ASCII)).isEqualTo("def");
        last.release();
        HttpRequest next = channel.readInbound();
        assertThat(next.uri()).isEqualTo("/next");
        assertThat((Object) channel.readInbound()).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        channel.finishAndReleaseAll();
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailers() {
        EmbeddedChannel channel = channel();
        write(channel, "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;name=\"quoted;value\"\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 1\r\nContent-Length: 9\r\n\r\n");
        HttpRequest head = channel.readInbound();
        assertThat(head.decoderResult().isSuccess()).isTrue();
        StringBuilder body = new StringBuilder();
        LastHttpContent last = null;
        while (last == null) {
            HttpContent content = channel.readInbound();
            body.append(content.content().toString(StandardCharsets.US_ASCII));
            last = content instanceof LastHttpContent end ? end : null;
            content.release();
        }
        assertThat(body).hasToString("abcde");
        assertThat(last.trailingHeaders().names()).as("no framing header as a trailer").containsExactly("X-Sum");
        channel.finishAndReleaseAll();
    }

    @Test
    void headsOverTheLimitsAreRefusedBeforeTheyEnd() {
        EmbeddedChannel line = channel();
        write(line, "GET /" + "a".repeat(ServerCodecs.MAX_REQUEST_LINE + 10));
        HttpObject tooLong = line.readInbound();
        assertThat(tooLong.decoderResult().cause()).isInstanceOf(TooLongHttpLineException.class);
        line.finishAndReleaseAll();

        EmbeddedChannel headers = channel();
        write(headers, "GET / HTTP/1.1\r\nHost: a\r\nX-Fill: " + "a".repeat(1100));
        HttpObject tooLarge = headers.readInbound();
        assertThat(tooLarge.decoderResult().cause()).isInstanceOf(TooLongHttpHeaderException.class);
        headers.finishAndReleaseAll();
    }

    @Test
    void theAnswerToHeadHasNoBodyWhateverItsFraming() {
        EmbeddedChannel channel = channel();
        write(channel, "HEAD /x HTTP/1.1\r\nHost: a\r\n\r\nGET /y HTTP/1.1\r\nHost: a\r\n\r\n");
        ReferenceCountUtil.release(channel.readInbound());
        ReferenceCountUtil.release(channel.readInbound());
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
        channel.writeOutbound(head, LastHttpContent.EMPTY_LAST_CONTENT);
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE)); // interim
        DefaultFullHttpResponse get = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
        get.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
        channel.writeOutbound(get);
        StringBuilder wire = new StringBuilder();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            wire.append(out.toString(StandardCharsets.ISO_8859_1));
            out.release();
        }
        assertThat(wire.toString()).isEqualTo("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                + "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
        channel.finishAndReleaseAll();
    }

    @Test
    void tooManyRequestsAheadOfTheirAnswersCloseTheConnection() {
        EmbeddedChannel channel = channel();
        String many = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".repeat(RequestDecoder.MAX_PIPELINE_DEPTH + 1);
        Assertions.assertThatThrownBy(() -> write(channel, many)).isInstanceOf(DecoderException.class);
        channel.finishAndReleaseAll();
    }
}
