package io.runagents.ingress.config.load;

import io.runagents.ingress.config.model.ConfigSnapshot;
import java.util.List;

/** The outcome of loading a conf directory: a whole valid snapshot, or every error found. */
public sealed interface ConfigLoadResult {
    /** The directory is valid. */
    record Loaded(ConfigSnapshot snapshot) implements ConfigLoadResult { }

    /** The directory is invalid; nothing of it may be used. */
    record Invalid(List<ConfigError> errors) implements ConfigLoadResult {
        public Invalid {
            errors = List.copyOf(errors);
        }
    }
}
