package io.runagents.ingress.config.model;

/** Connection and request limits ({@code proxy.yaml: limits}). */
public record Limits(int maxHeaderBytes, int maxTokenBytes, int idleTimeoutSeconds,
                     int connectTimeoutMillis, int shutdownGraceSeconds, int maxConnections) {
    public static final Limits DEFAULTS = new Limits(16384, 8192, 60, 2000, 20, 10000);
}
