package io.runagents.ingress.config.model;

import java.util.Objects;

/** Where audit lines go ({@code proxy.yaml: audit}). */
public record AuditSettings(String file) {
    public static final AuditSettings DEFAULTS = new AuditSettings("logs/audit.jsonl");

    public AuditSettings {
        Objects.requireNonNull(file, "file");
    }
}
