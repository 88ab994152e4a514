package io.runagents.ingress.core.exchange;

import io.netty.handler.codec.http.HttpUtil;
import io.runagents.ingress.core.http.WireError;

/**
 * An agent's {@code maxBodyBytes} (SPEC section 3): a declared length over it is refused before the agent is
 * contacted; a chunked body is counted as it streams and refused when it goes over. Either way the rest of the
 * body is never read, so the connection closes.
 */
public final class BodyLimit {
    private BodyLimit() {
    }

    /** The verdict on the head's declared {@code Content-Length}; {@code max} null means no limit. */
    public static Verdict checkDeclared(Exchange exchange, Long max) {
        if (max != null && HttpUtil.getContentLength(exchange.head(), -1L) > max) {
            exchange.closeAfter();
            return Verdict.refuse(WireError.REQUEST_ENTITY_TOO_LARGE);
        }
        return Verdict.NEXT;
    }

    /** True when {@code bytesSoFar} of the streamed body is over {@code max} (null: no limit). */
    static boolean exceeded(long bytesSoFar, Long max) {
        return max != null && bytesSoFar > max;
    }
}
