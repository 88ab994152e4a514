package io.runagents.ingress.core.http;

import io.netty.util.AsciiString;

/** Header names the proxy reads or writes that Netty has no constant for. */
public final class ProxyHeaders {
    private ProxyHeaders() { }

    public static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    public static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    public static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    public static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    public static final AsciiString X_END_USER_ID = AsciiString.cached("x-end-user-id");
    public static final AsciiString X_END_USER_CONTEXT = AsciiString.cached("x-end-user-context");
    public static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

    /**
     * A header value carrying {@code text} as UTF-8 bytes. Netty writes each char of a String as one byte
     * (a non-Latin-1 char as '?'), so distinct user ids could otherwise share one value on the wire.
     */
    public static AsciiString utf8(String text) {
        return new AsciiString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
    }

    /** True when a received header value (decoded byte per char) carries {@code text} as UTF-8. */
    public static boolean carriesUtf8(String received, String text) {
        return received.contentEquals(utf8(text));
    }
}
