package io.runagents.ingress.config.model;

import java.util.Objects;

/**
 * Where audit lines go ({@code proxy.yaml: audit}).
 *
 * @param maxWaitMillis how long a request's answer may wait for room for its audit line (a disk that fails);
 *                      after that the request is refused 503 {@code audit_unavailable}; 0 refuses at once
 */
public record AuditSettings(String file, int maxWaitMillis) {
    public static final int DEFAULT_MAX_WAIT_MILLIS = 2000;
    public static final AuditSettings DEFAULTS = new AuditSettings("logs/audit.jsonl", DEFAULT_MAX_WAIT_MILLIS);

    public AuditSettings {
        Objects.requireNonNull(file, "file");
        if (maxWaitMillis < 0) {
            throw new IllegalArgumentException("maxWaitMillis: " + maxWaitMillis + " (expected: >= 0)");
        }
    }

    /** With the default wait. */
    public AuditSettings(String file) {
        this(file, DEFAULT_MAX_WAIT_MILLIS);
    }
}
