package io.runagents.ingress.config.watch;

import io.runagents.ingress.config.load.ConfigError;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The outcome of one load of the conf directory, as {@code /admin/config} shows it.
 *
 * @param at when the load finished
 * @param errors every {@code file:line:col} problem of a failed load; empty otherwise
 * @param message a one-line summary (the cause when the prepare step failed)
 */
public record ReloadStatus(Result result, Instant at, List<ConfigError> errors, String message) {
    /** What a reload did. */
    public enum Result {
        /** A new snapshot was swapped in. */
        SUCCESS,
        /** The directory is valid and means the same as the serving snapshot; nothing was swapped. */
        UNCHANGED,
        /** The directory is invalid or could not be prepared; the old snapshot keeps serving. */
        FAILURE;

        /** The metric label and JSON spelling, such as {@code failure}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ReloadStatus {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(at, "at");
        errors = List.copyOf(errors);
        Objects.requireNonNull(message, "message");
    }
}
