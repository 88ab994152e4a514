package io.runagents.ingress.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import io.runagents.ingress.core.upstream.UpstreamListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection after a proxied WebSocket upgrade: raw bytes both ways between it and its upstream
 * connection, with the same backpressure as the relay (each side is read only while the other is writable), until
 * either side closes, which closes the other. Takes the relay's place in the pipeline and as the upstream's
 * listener; both channels share one event loop.
 *
 * <p>Ownership: bytes read from either side are written to the other, which releases them.
 */
final class TunnelHandler extends ChannelInboundHandlerAdapter implements UpstreamListener {
    private static final Logger log = LoggerFactory.getLogger(TunnelHandler.class);

    private final Channel upstream;
    /** The upgraded exchange: the client is read through it, as the sequencer decides reads. */
    private final Exchange exchange;
    private ChannelHandlerContext ctx;

    TunnelHandler(Channel upstream, Exchange exchange) {
        this.upstream = upstream;
        this.exchange = exchange;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Starts moving bytes: one read on each side. */
    void start() {
        upstream.read();
        exchange.readMore();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && upstream.isActive()) {
            upstream.write(bytes);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        upstream.flush();
        if (upstream.isWritable()) {
            exchange.readMore();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            upstream.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void onResponse(Object msg) {
        // What the upstream's codec decoded before it was removed (the end of the 101) passes on as its bytes.
        ctx.write(msg instanceof HttpContent content ? content.content() : msg);
    }

    @Override
    public void onResponseReadComplete() {
        ctx.flush();
        if (ctx.channel().isWritable()) {
            upstream.read();
        }
    }

    @Override
    public void onUpstreamWritabilityChanged(boolean writable) {
        if (writable) {
            exchange.readMore();
        }
    }

    @Override
    public void onUpstreamClosed(Throwable cause) {
        ctx.flush();
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        upstream.close();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[{}] tunnel client failed: {}", ctx.channel().id(), cause.toString());
        ctx.close();
    }
}
