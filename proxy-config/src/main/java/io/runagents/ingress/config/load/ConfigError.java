package io.runagents.ingress.config.load;

import java.util.Objects;

/**
 * One problem in a conf directory, printed as {@code file:line:col: field: message}.
 *
 * @param file the path as the user would type it (relative to the conf directory's parent when possible)
 * @param line 1-based; 0 when the problem has no position (a missing file, an unreadable directory)
 * @param column 1-based; 0 when unknown
 * @param field the dotted field path, such as {@code spec.identityProvider.issuer}; empty for the document
 */
public record ConfigError(String file, int line, int column, String field, String message) {
    public ConfigError {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + (field.isEmpty() ? "" : field + ": ") + message;
    }
}
