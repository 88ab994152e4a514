package io.runagents.ingress.config.load;

import java.util.List;

/** The outcome of validating one file of one kind on its own (CLI {@code apply}, admin {@code PUT}). */
public sealed interface DocumentsLoadResult {
    /** Every document is valid on its own; references to other resources are not checked here. */
    record Parsed(Resources resources) implements DocumentsLoadResult { }

    /** At least one document is invalid. */
    record Invalid(List<ConfigError> errors) implements DocumentsLoadResult {
        public Invalid {
            errors = List.copyOf(errors);
        }
    }
}
