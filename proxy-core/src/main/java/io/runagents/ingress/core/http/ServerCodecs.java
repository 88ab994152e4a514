package io.runagents.ingress.core.http;

import io.runagents.ingress.config.model.Limits;

/** The HTTP/1.1 server codec both proxying listeners use, sized by {@code proxy.yaml: limits}. */
public final class ServerCodecs {
    private ServerCodecs() { }

    /** Longer request lines are answered 414. */
    public static final int MAX_REQUEST_LINE = 8192;
    /** Bodies reach the pipeline in pieces of at most this size; nothing is aggregated. */
    public static final int MAX_CHUNK = 64 * 1024;

    /**
     * A codec that refuses what Netty's strict defaults refuse (conflicting framing headers, bad names and values
     * are decode failures the guard answers 400), with headers capped at {@code maxHeaderBytes} (431), and that
     * forwards header bytes without decoding them into objects ({@link RequestDecoder}).
     */
    public static ProxyServerCodec of(Limits limits) {
        return new ProxyServerCodec(limits.maxHeaderBytes());
    }
}
