package io.runagents.ingress.core.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads one whole request head (request line, header lines, the empty line) from its bytes, checking every
 * byte as it goes, and says how the body is framed.
 *
 * <p>As strict as Netty's decoder with the proxy's settings, and stricter where RFC 9112 lets a server be: one
 * space between the request line's parts, {@code HTTP/} in upper case, a request target of visible ASCII only, and
 * no obs-fold (a line that begins with a space or tab is refused rather than joined to the one before, section
 * 5.2). Header names are tokens, values have no control character but HTAB, and the optional whitespace around a
 * value is not part of it. The framing rules are Netty's: one {@code Content-Length} of digits only (no sign, no
 * list, no repeat), and a {@code Transfer-Encoding} whose last coding is {@code chunked}, in HTTP/1.1 only and
 * never with a {@code Content-Length}. Anything else comes back as a decoder failure, which the guard answers 400.
 */
final class RequestHeadParser {
    private static final boolean[] TOKEN = new boolean[256];
    private static final boolean[] FIELD = new boolean[256];
    private static final HttpMethod[] COMMON_METHODS = {HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
        HttpMethod.DELETE, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PATCH, HttpMethod.TRACE, HttpMethod.CONNECT};
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** More digits than this would not fit a {@code long}; no body is that large. */
    private static final int MAX_LENGTH_DIGITS = 18;

    static {
        for (int c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
        for (int c = 0; c < 256; c++) {
            FIELD[c] = c >= 0x20 && c != 0x7f || c == '\t';
        }
    }

    /** Framing of the body after the last head read: -1 without a {@code Content-Length}. */
    long contentLength;
    /** True when the body after the last head read is chunked. */
    boolean chunked;
    /** Framing headers of the last lines read: how many {@code Content-Length}s; whether there was a
     * {@code Transfer-Encoding}, how often it named chunked, and whether the last coding named is chunked. */
    private int contentLengths;
    private boolean encoded;
    private int chunkedCodings;
    private boolean lastCodingChunked;

    /**
     * Reads {@code head}, which ends with the empty line. Returns the request, with a failed decoder
     * result when something is wrong, holding what was read before the fault.
     */
    HttpRequest parse(byte[] head) {
        contentLength = -1;
        chunked = false;
        int pos = 0;
        while (TOKEN[head[pos] & 0xff]) {
            pos++;
        }
        if (pos == 0 || head[pos] != ' ') {
            return RequestDecoder.invalidHead(new IllegalArgumentException(
                    "invalid character in the request method: 0x" + Integer.toHexString(head[pos] & 0xff)));
        }
        HttpMethod method = method(head, pos);
        int targetStart = ++pos;
        while (head[pos] >= 0x21 && head[pos] <= 0x7e) { // a byte over 0x7f is negative
            pos++;
        }
        if (pos == targetStart || head[pos] != ' ') {
            return RequestDecoder.invalidHead(new IllegalArgumentException(
                    "invalid character in the request target: 0x" + Integer.toHexString(head[pos] & 0xff)));
        }
        String uri = new String(head, targetStart, pos - targetStart, StandardCharsets.ISO_8859_1);
        // The version, its CRLF and the empty line must fit: the array ends with CRLF CRLF, not before.
        HttpVersion version = pos + 11 <= head.length ? version(head, pos + 1) : null;
        pos += 9;
        if (version == null || head[pos] != '\r' || head[pos + 1] != '\n') {
            return RequestDecoder.invalidHead(new IllegalArgumentException("invalid HTTP version in the request line"));
        }
        HeaderList headers = new HeaderList(16);
        HttpRequest request = new DefaultHttpRequest(version, method, uri, headers);
        String fault = lines(head, pos + 2, headers);
        if (fault == null) {
            fault = framing(version);
        }
        if (fault != null) {
            request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(fault)));
        }
        return request;
    }

    /**
     * Reads field lines from {@code pos} up to and including the empty line into {@code lines} (the head's
     * headers, or a chunked body's trailers), noting the framing headers; returns a fault or null.
     */
    String lines(byte[] head, int pos, HeaderList lines) {
        int length = head.length;
        contentLengths = 0;
        encoded = false;
        chunkedCodings = 0;
        lastCodingChunked = false;
        while (head[pos] != '\r') {
            int nameStart = pos;
            while (TOKEN[head[pos] & 0xff]) {
                pos++;
            }
            if (pos == nameStart) {
                return head[pos] == ' ' || head[pos] == '\t' ? "obs-fold (a header line beginning with whitespace)"
                        : head[pos] == ':' ? "empty header name" : "invalid character in a header name";
            }
            if (head[pos] != ':') {
                return "invalid character in header name or whitespace before the colon";
            }
            int nameEnd = pos++;
            while (head[pos] == ' ' || head[pos] == '\t') {
                pos++;
            }
            int valueStart = pos;
            while (true) {
                // Eight bytes at a time while none is a control character (a value is most of a head's bytes).
                while (pos + Long.BYTES <= length && isPlainText((long) LONGS.get(head, pos))) {
                    pos += Long.BYTES;
                }
                int c = head[pos] & 0xff;
                if (c == '\r') {
                    break;
                }
                if (!FIELD[c]) {
                    return "invalid character in the value of a header";
                }
                pos++;
            }
            int valueEnd = pos;
            while (valueEnd > valueStart && (head[valueEnd - 1] == ' ' || head[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            if (head[pos + 1] != '\n') {
                return "bare CR in a header line";
            }
            pos += 2;
            AsciiString name = new AsciiString(head, nameStart, nameEnd - nameStart, false);
            AsciiString value = new AsciiString(head, valueStart, valueEnd - valueStart, false);
            lines.addChecked(name, value);
            if (HeaderList.sameName(name, HttpHeaderNames.CONTENT_LENGTH)) {
                contentLengths++;
                contentLength = digits(head, valueStart, valueEnd);
            } else if (HeaderList.sameName(name, HttpHeaderNames.TRANSFER_ENCODING)) {
                codings(value);
            }
        }
        return head[pos + 1] != '\n' ? "bare CR in the empty line" : null;
    }

    /** The body's framing from the headers just read; a fault, or null. */
    private String framing(HttpVersion version) {
        if (contentLengths > 1) {
            return "more than one Content-Length";
        }
        if (contentLengths == 1 && contentLength < 0) {
            return "Content-Length is not a number";
        }
        if (!encoded) {
            return null;
        }
        if (version.majorVersion() < 1 || version.majorVersion() == 1 && version.minorVersion() < 1) {
            return "Transfer-Encoding before HTTP/1.1";
        }
        if (contentLengths == 1) {
            return "Content-Length with Transfer-Encoding";
        }
        if (chunkedCodings > 1) {
            return "chunked transfer coding applied more than once";
        }
        if (!lastCodingChunked) {
            return "the final transfer coding must be chunked";
        }
        chunked = true;
        contentLength = -1;
        return null;
    }

    /** Notes the codings of one {@code Transfer-Encoding} value (a list; empty elements do not count). */
    private void codings(AsciiString value) {
        encoded = true;
        for (AsciiString element : value.split(',')) {
            AsciiString coding = HeaderList.withoutOws(element);
            if (!coding.isEmpty()) {
                lastCodingChunked = coding.contentEqualsIgnoreCase(HttpHeaderValues.CHUNKED);
                if (lastCodingChunked) {
                    chunkedCodings++;
                }
            }
        }
    }

    /**
     * Whether none of the eight bytes in {@code word} is below 0x20 or 0x7f: each is visible ASCII, a space or
     * obs-text, so none ends the line or is refused. (A byte below 0x20 borrows in {@code word - 0x20..}, which the
     * high bit shows unless the byte had it set; 0x7f is the byte XOR 0x7f that is zero.)
     */
    private static boolean isPlainText(long word) {
        long belowSpace = (word - 0x2020202020202020L) & ~word;
        long delete = word ^ 0x7f7f7f7f7f7f7f7fL;
        long deleteZero = (delete - 0x0101010101010101L) & ~delete;
        return ((belowSpace | deleteZero) & 0x8080808080808080L) == 0;
    }

    /** Whether {@code b} may appear in a token (RFC 9110 section 5.6.2). */
    static boolean isTokenByte(byte b) {
        return TOKEN[b & 0xff];
    }

    /** Whether {@code b} may appear in a field value (or a chunk extension): not a control character but HTAB. */
    static boolean isFieldByte(byte b) {
        return FIELD[b & 0xff];
    }

    /** The value as a length, or -1 when it is not only digits (or too long for one). */
    private static long digits(byte[] head, int start, int end) {
        if (start == end || end - start > MAX_LENGTH_DIGITS) {
            return -1;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            int digit = head[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** The method's constant for the common ones, so that no {@code String} is made for them. */
    private static HttpMethod method(byte[] head, int end) {
        for (HttpMethod common : COMMON_METHODS) {
            if (common.asciiName().length() == end && startsWith(head, common.asciiName())) {
                return common;
            }
        }
        return HttpMethod.valueOf(new String(head, 0, end, StandardCharsets.US_ASCII));
    }

    private static boolean startsWith(byte[] head, AsciiString name) {
        for (int i = 0; i < name.length(); i++) {
            if (head[i] != name.byteAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@code HTTP/d.d} at {@code pos}, or null. */
    private static HttpVersion version(byte[] head, int pos) {
        if (head[pos] != 'H' || head[pos + 1] != 'T' || head[pos + 2] != 'T' || head[pos + 3] != 'P'
                || head[pos + 4] != '/' || head[pos + 6] != '.') {
            return null;
        }
        int major = head[pos + 5] - '0';
        int minor = head[pos + 7] - '0';
        if (major < 0 || major > 9 || minor < 0 || minor > 9) {
            return null;
        }
        if (major == 1) {
            return minor == 1 ? HttpVersion.HTTP_1_1 : minor == 0 ? HttpVersion.HTTP_1_0
                    : new HttpVersion("HTTP", 1, minor, true);
        }
        return new HttpVersion("HTTP", major, minor, true);
    }
}
