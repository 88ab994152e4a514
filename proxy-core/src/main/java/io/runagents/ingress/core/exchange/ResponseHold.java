package io.runagents.ingress.core.exchange;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The start of an upstream's answer, held back while the audit trail cannot take lines (a full disk): if its end
 * then arrives and its line cannot be queued in time, the client gets a whole 503 instead of a head it cannot use.
 * Only a small answer is held; one that grows past {@link #MAX_BYTES} is let through (streaming goes on, and a
 * line that cannot be queued then cuts the connection). Owns what it holds until written or released. Confined to
 * the event loop.
 */
final class ResponseHold {
    /** The most held back before the answer is let through as it comes. */
    static final int MAX_BYTES = 64 * 1024;

    private final ArrayDeque<HttpObject> held = new ArrayDeque<>(2);
    private long bytes;

    /** Holds {@code msg}; false when that made the hold too large (it is held still: write it out). */
    boolean add(HttpObject msg) {
        held.add(msg);
        if (msg instanceof HttpContent content) {
            bytes += content.content().readableBytes();
        }
        return bytes <= MAX_BYTES;
    }

    boolean holding() {
        return !held.isEmpty();
    }

    /** Writes what is held, in order, without flushing. */
    void writeTo(ChannelHandlerContext ctx) {
        HttpObject msg;
        while ((msg = held.poll()) != null) {
            ctx.write(msg);
        }
        bytes = 0;
    }

    /** Drops what is held. */
    void release() {
        HttpObject msg;
        while ((msg = held.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
        bytes = 0;
    }
}
