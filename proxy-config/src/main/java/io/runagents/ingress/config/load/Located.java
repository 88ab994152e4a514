package io.runagents.ingress.config.load;

import java.util.Map;

/**
 * A bound resource with the positions of its fields, so that rules across resources (duplicate names, missing
 * references) can point at the right line.
 *
 * @param value null when the document had errors; {@code name} may still be set so references to it resolve
 * @param positions field path (such as {@code spec.identityProvider}) to the position of its value
 */
record Located<T>(T value, String name, String file, Map<String, Position> positions) {
    /** A 1-based line and column. */
    record Position(int line, int column) {
        @Override
        public String toString() {
            return line + ":" + column;
        }
    }

    Located {
        positions = Map.copyOf(positions);
    }

    /** The position of {@code field}, else of its closest recorded parent, else of the document. */
    Position position(String field) {
        String f = field;
        while (true) {
            Position p = positions.get(f);
            if (p != null) {
                return p;
            }
            int dot = Math.max(f.lastIndexOf('.'), f.lastIndexOf('['));
            if (dot <= 0) {
                return positions.getOrDefault("", new Position(1, 1));
            }
            f = f.substring(0, dot);
        }
    }

    /** An error about {@code field} of this resource. */
    ConfigError error(String field, String message) {
        Position p = position(field);
        return new ConfigError(file, p.line(), p.column(), field, message);
    }

    /** Where {@code field} is, as {@code file:line:col}, for messages that point at another resource. */
    String where(String field) {
        return file + ":" + position(field);
    }
}
