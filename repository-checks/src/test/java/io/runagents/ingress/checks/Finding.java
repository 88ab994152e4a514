package io.runagents.ingress.checks;

import static java.util.Objects.requireNonNull;

/**
 * One place where the repository refers to something outside itself.
 *
 * @param file    the file, relative to the repository root, with {@code /} separators
 * @param line    the 1-based line
 * @param message what is wrong there and what the line says
 */
record Finding(String file, int line, String message) {
    Finding {
        requireNonNull(file, "file");
        requireNonNull(message, "message");
        if (line < 1) {
            throw new IllegalArgumentException("line: " + line + " (expected: >= 1)");
        }
    }

    /** {@code file:line: message}, the form editors and terminals turn into a link. */
    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
