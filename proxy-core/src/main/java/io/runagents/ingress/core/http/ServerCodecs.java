package io.runagents.ingress.core.http;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.runagents.ingress.config.model.Limits;

/** The HTTP/1.1 server codec both proxying listeners use, sized by {@code proxy.yaml: limits}. */
public final class ServerCodecs {
    private ServerCodecs() { }

    /** Longer request lines are answered 414. */
    public static final int MAX_REQUEST_LINE = 8192;
    /** Bodies reach the pipeline in pieces of at most this size; nothing is aggregated. */
    public static final int MAX_CHUNK = 64 * 1024;

    /**
     * A codec with Netty's strict defaults (conflicting framing headers, bad names and values are decode
     * failures the guard answers 400) and headers capped at {@code maxHeaderBytes} (431).
     */
    public static HttpServerCodec of(Limits limits) {
        return new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(MAX_CHUNK));
    }
}
