package io.runagents.ingress.core.upstream;

/**
 * The exchange an upstream connection currently serves. Every call comes on the connection's event
 * loop, which is also the client channel's.
 */
public interface UpstreamListener {
    /**
     * A response head or content from the agent (an {@code HttpObject}), or raw bytes once the connection
     * switched protocols; the listener owns {@code msg} and must release or pass it on.
     */
    void onResponse(Object msg);

    /** The end of one read burst from the agent: time to flush towards the client. */
    void onResponseReadComplete();

    /** The connection became writable again (or stopped being so). */
    void onUpstreamWritabilityChanged(boolean writable);

    /** The connection closed or failed; {@code cause} is null for a plain close. */
    void onUpstreamClosed(Throwable cause);
}
