package io.runagents.ingress.core.exchange;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.runagents.ingress.core.http.WireError;
import java.util.ArrayDeque;

/**
 * The request body of the relay's current exchange on its way upstream: counted against the route's
 * {@code maxBodyBytes}, cleaned of client trailers, and kept in order while the upstream connection is not there
 * yet. Owns the contents it keeps until they are written or {@link #reset}. Confined to the event loop.
 */
final class RequestBody {
    private final ArrayDeque<HttpContent> pending = new ArrayDeque<>(2);
    private long bytes;
    private boolean complete;

    /** A new exchange's body begins. */
    void reset() {
        HttpContent content;
        while ((content = pending.poll()) != null) {
            content.release();
        }
        bytes = 0;
        complete = false;
    }

    /** True once the body's last content went through. */
    boolean complete() {
        return complete;
    }

    /** True while none of the body has been seen: a failed attempt consumed nothing, so one retry is safe. */
    boolean empty() {
        return bytes == 0;
    }

    /**
     * Takes one content of the body: written to {@code upstream}, or kept for it when null. Returns null when
     * taken, or the refusal when the content is malformed or over {@code maxBodyBytes} (it is released then).
     */
    WireError accept(HttpContent content, Long maxBodyBytes, Channel upstream) {
        if (content.decoderResult().isFailure()) {
            content.release();
            return WireError.BAD_REQUEST;
        }
        bytes += content.content().readableBytes();
        if (BodyLimit.exceeded(bytes, maxBodyBytes)) {
            content.release();
            return WireError.REQUEST_ENTITY_TOO_LARGE;
        }
        HttpContent forwarded = content;
        if (content instanceof LastHttpContent last) {
            complete = true;
            if (!last.trailingHeaders().isEmpty()) {
                // Client trailers are dropped, never merged: the upstream could read them as headers.
                forwarded = new DefaultLastHttpContent(last.content().retain());
                last.release();
            }
        }
        if (upstream != null) {
            upstream.write(forwarded);
        } else {
            pending.add(forwarded);
        }
        return null;
    }

    /**
     * Writes what was kept to the connection the exchange now has. On a fresh retry of a request whose body was
     * empty, the end the first attempt consumed is written again.
     */
    void writeKeptTo(Channel upstream, boolean retried) {
        if (retried && complete && pending.isEmpty()) {
            upstream.write(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        HttpContent content;
        while ((content = pending.poll()) != null) {
            upstream.write(content);
        }
    }
}
