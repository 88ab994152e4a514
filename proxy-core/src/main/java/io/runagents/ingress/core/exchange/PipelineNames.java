package io.runagents.ingress.core.exchange;

/** The names of the handlers in the ingress and egress pipelines, so code that finds or removes one says which. */
public final class PipelineNames {
    private PipelineNames() {
    }

    public static final String LIMIT = "limit";
    public static final String TLS = "tls";
    /** The client connection's HTTP codec, removed when a WebSocket upgrade makes the connection a tunnel. */
    public static final String CODEC = "http";
    public static final String IDLE = "idle";
    public static final String SEQUENCER = "sequencer";
    public static final String STAGES = "stages";
    public static final String RELAY = "relay";
}
