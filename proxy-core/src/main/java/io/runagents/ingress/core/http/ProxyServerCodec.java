package io.runagents.ingress.core.http;

import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * The proxying listeners' HTTP/1.1 codec: the {@link RequestDecoder} and Netty's response encoder, told which
 * answers go to a HEAD request (they have no body, whatever their framing headers say), as Netty's
 * {@code HttpServerCodec} tells its own. CONNECT is refused by the guard, so no tunnel answer is ever encoded.
 */
public final class ProxyServerCodec extends CombinedChannelDuplexHandler<RequestDecoder, HttpResponseEncoder> {
    /** @param maxHeaderBytes the most bytes of header lines a request head may have (431 beyond) */
    public ProxyServerCodec(int maxHeaderBytes) {
        Queue<HttpMethod> unanswered = new ArrayDeque<>(4);
        init(new RequestDecoder(maxHeaderBytes, unanswered), new ResponseEncoder(unanswered));
    }

    private static final class ResponseEncoder extends HttpResponseEncoder {
        private final Queue<HttpMethod> unanswered;

        ResponseEncoder(Queue<HttpMethod> unanswered) {
            this.unanswered = unanswered;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(msg); // an interim answer: the request's final one is still to come
            }
            return HttpMethod.HEAD.equals(unanswered.poll()) || super.isContentAlwaysEmpty(msg);
        }
    }
}
