package io.runagents.ingress.core.audit;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether the audit trail is being written, for {@code /readyz} (SPEC section 10): {@link #OK}, or failing
 * since {@code failingSince} with the operating system's reason, until a write succeeds again.
 *
 * @param file         the file that cannot be written; null when ok
 * @param failingSince when the first write of this failure episode failed (by the log's clock); null when ok
 * @param error        why, as the operating system says it (for example {@code No space left on device});
 *                     null when ok
 */
public record AuditHealth(Path file, Instant failingSince, String error) {
    /** Writes succeed. */
    public static final AuditHealth OK = new AuditHealth(null, null, null);

    /** Checks that a failing state has all three fields and an ok one none. */
    public AuditHealth {
        if ((file == null) != (failingSince == null) || (file == null) != (error == null)) {
            throw new IllegalArgumentException("file, failingSince and error: all set (failing) or all null (ok)");
        }
    }

    /** A failing state. */
    public static AuditHealth failing(Path file, Instant since, String error) {
        return new AuditHealth(Objects.requireNonNull(file, "file"), Objects.requireNonNull(since, "since"),
                Objects.requireNonNull(error, "error"));
    }

    /** True while writes succeed. */
    public boolean ok() {
        return failingSince == null;
    }

    /**
     * One line for a readiness report: {@code ok}, or for example
     * {@code cannot write /var/log/runagents/audit.jsonl since 2030-01-01T10:00:00Z: No space left on device}.
     */
    public String describe() {
        return ok() ? "ok" : "cannot write " + file + " since " + failingSince + ": " + error;
    }
}
