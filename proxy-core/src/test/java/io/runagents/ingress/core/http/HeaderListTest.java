package io.runagents.ingress.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link HeaderList} answers as Netty's own headers do, checks what stages add, and encodes the client's bytes. */
class HeaderListTest {
    private static HeaderList decoded(String... namesAndValues) {
        HeaderList headers = new HeaderList(2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.addChecked(new AsciiString(namesAndValues[i]), new AsciiString(namesAndValues[i + 1]));
        }
        return headers;
    }

    @Test
    void readsLikeNettysHeaders() {
        HeaderList headers = decoded("Host", "a", "X-Dup", "1", "x-dup", "2", "Accept", "*/*", "Connection", "close");
        HttpHeaders netty = new DefaultHttpHeaders().add("Host", "a").add("X-Dup", "1").add("x-dup", "2")
                .add("Accept", "*/*").add("Connection", "close");
        assertThat(headers.get("X-DUP")).isEqualTo(netty.get("X-DUP")).isEqualTo("1");
        assertThat(headers.getAll(new AsciiString("x-dup"))).isEqualTo(netty.getAll("x-dup")).containsExactly("1", "2");
        assertThat(headers.entries()).isEqualTo(netty.entries());
        assertThat(headers.names()).isEqualTo(netty.names());
        assertThat(headers.contains(HttpHeaderNames.HOST)).isTrue();
        assertThat(headers.containsValue(HttpHeaderNames.CONNECTION, "CLOSE", true)).isTrue();
        assertThat(decoded("Connection", "keep-alive, close\u0080").containsValue(HttpHeaderNames.CONNECTION, "close", true))
                .as("an obs-text byte is part of the element, not whitespace around it").isFalse();
        assertThat(decoded("Connection", "keep-alive ,\tclose ").containsValue(HttpHeaderNames.CONNECTION, "close", true))
                .isTrue();
        assertThat(headers.get("missing")).isNull();
        assertThat(headers.getAll("missing")).isEmpty();
        assertThat(headers.size()).isEqualTo(5);
    }

    @Test
    void setReplacesEveryValueAndAppendsRemoveTakesAll() {
        HeaderList headers = decoded("A", "1", "B", "2", "a", "3");
        headers.set("a", "4");
        assertThat(headers.entries()).extracting(Map.Entry::getKey, Map.Entry::getValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("B", "2"), org.assertj.core.groups.Tuple.tuple("a", "4"));
        headers.add("C", 5).setInt("D", 6).remove("b");
        assertThat(headers.names()).containsExactly("a", "C", "D");
        assertThat(headers.getInt("d")).isEqualTo(6);
        headers.clear();
        assertThat(headers.isEmpty()).isTrue();
    }

    @Test
    void refusesWhatWouldBreakTheHeadItIsWrittenInto() {
        HeaderList headers = decoded();
        assertThatThrownBy(() -> headers.set("X-User", "a\r\nX-Admin: yes")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> headers.add("Bad Name", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> headers.add("", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> headers.set(new AsciiString("X-Id"), new AsciiString("a\u0000b")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(headers.isEmpty()).as("nothing was added by a refused call").isTrue();
    }

    @Test
    void theEncoderWritesTheClientsBytesAndWhatWasSet() {
        HeaderList headers = decoded("Host", "a", "X-Obs", "caf\u00e9", "Authorization", "Bearer t");
        headers.remove(HttpHeaderNames.AUTHORIZATION);
        HeaderList.setProduced(headers, new AsciiString("X-Ctx"), new AsciiString("e30.e30.sig"));
        headers.set("X-Request-ID", "r1");
        EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestEncoder());
        channel.writeOutbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x", headers));
        ByteBuf written = channel.readOutbound();
        // The obs-text byte goes out as it came in (Netty's String path would write it as '?').
        assertThat(written.toString(StandardCharsets.ISO_8859_1))
                .isEqualTo("GET /x HTTP/1.1\r\nHost: a\r\nX-Obs: caf\u00e9\r\nX-Ctx: e30.e30.sig\r\nX-Request-ID: r1\r\n\r\n");
        written.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void setProducedOnOtherHeadersIsAnOrdinarySet() {
        HttpHeaders netty = new DefaultHttpHeaders().add("X-Ctx", "old");
        HeaderList.setProduced(netty, new AsciiString("x-ctx"), new AsciiString("new"));
        assertThat(netty.getAll("X-Ctx")).containsExactly("new");
        assertThat(Unpooled.EMPTY_BUFFER.readableBytes()).isZero();
    }
}
