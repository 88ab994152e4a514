package io.runagents.ingress.core.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an upstream connection: hands what the agent sends to the exchange that holds
 * the connection. While the connection sits idle in the pool there is no exchange, and anything the
 * agent sends, or an idle timeout, closes it.
 *
 * <p>Ownership: messages read while an exchange is attached are passed to it (it releases them);
 * messages read while idle are released here.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(UpstreamHandler.class);

    private final UpstreamPool pool;
    private final UpstreamEndpoint endpoint;
    private UpstreamListener listener;
    private boolean closed;

    UpstreamHandler(UpstreamPool pool, UpstreamEndpoint endpoint) {
        this.pool = pool;
        this.endpoint = endpoint;
    }

    void attach(UpstreamListener listener) {
        this.listener = listener;
    }

    void detach() {
        this.listener = null;
    }

    UpstreamEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamListener current = listener;
        if (current != null) {
            current.onResponse(msg);
            return;
        }
        ReferenceCountUtil.release(msg);
        log.debug("[{}] unexpected data on an idle upstream connection to {}; closing", ctx.channel().id(), endpoint);
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        UpstreamListener current = listener;
        if (current != null) {
            current.onResponseReadComplete();
        } else {
            ctx.read(); // keep watching an idle connection so that the agent closing it is noticed
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        UpstreamListener current = listener;
        if (current != null) {
            current.onUpstreamWritabilityChanged(ctx.channel().isWritable());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && listener == null) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed(ctx.channel(), null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[{}] upstream {} failed: {}", ctx.channel().id(), endpoint, cause.toString());
        closed(ctx.channel(), cause);
        ctx.close();
    }

    private void closed(Channel channel, Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        pool.forget(channel);
        UpstreamListener current = listener;
        listener = null;
        if (current != null) {
            current.onUpstreamClosed(cause);
        }
    }
}
