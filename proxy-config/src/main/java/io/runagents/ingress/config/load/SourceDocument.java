package io.runagents.ingress.config.load;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One YAML document being bound: where its errors go and where its fields were. */
final class SourceDocument {
    private final String file;
    private final List<ConfigError> errors;
    private final int errorsAtStart;
    private final Map<String, Located.Position> positions = new HashMap<>();

    SourceDocument(String file, List<ConfigError> errors, YamlNode root) {
        this.file = file;
        this.errors = errors;
        this.errorsAtStart = errors.size();
        positions.put("", new Located.Position(root.line(), root.column()));
    }

    String file() {
        return file;
    }

    void error(int line, int column, String field, String message) {
        errors.add(new ConfigError(file, line, column, field, message));
    }

    void error(YamlNode at, String field, String message) {
        error(at.line(), at.column(), field, message);
    }

    /** True once any error was reported for this document. */
    boolean hasErrors() {
        return errors.size() > errorsAtStart;
    }

    void remember(String field, int line, int column) {
        positions.putIfAbsent(field, new Located.Position(line, column));
    }

    /** The result of binding: the value only when the document had no errors. */
    <T> Located<T> located(T value, String name) {
        return new Located<>(hasErrors() ? null : value, name, file, positions);
    }
}
