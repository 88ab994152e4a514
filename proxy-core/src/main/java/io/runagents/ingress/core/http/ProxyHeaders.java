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
}
