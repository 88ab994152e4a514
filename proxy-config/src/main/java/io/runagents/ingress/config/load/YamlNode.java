package io.runagents.ingress.config.load;

import java.util.List;

/**
 * A YAML value with the line and column where it starts (both 1-based). The loader binds from this tree
 * rather than from Jackson's own tree because every error must name a position and Jackson's tree forgets it.
 */
sealed interface YamlNode {
    int line();

    int column();

    /** How the value reads in an error message, such as {@code "60"}, {@code 1.5} or {@code a list}. */
    String describe();

    /** What kind of token a scalar was; decides, for instance, that {@code "60"} is not an integer. */
    enum ScalarType { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

    /** A scalar. For integers {@code text} is the canonical decimal value, so {@code 0x1F} reads as {@code 31}. */
    record Scalar(String text, ScalarType type, int line, int column) implements YamlNode {
        @Override
        public String describe() {
            return type == ScalarType.STRING ? quote(text) : type == ScalarType.NULL ? "null" : text;
        }

        static String quote(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c < 0x20 || c == 0x7f) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            return b.append('"').toString();
        }
    }

    /** A list. */
    record Sequence(List<YamlNode> items, int line, int column) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A mapping; entries keep file order and duplicates, so the binder can report them. */
    record Mapping(List<Entry> entries, int line, int column) implements YamlNode {
        public Mapping {
            entries = List.copyOf(entries);
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** One key of a mapping, with the key's own position. */
    record Entry(String key, int line, int column, YamlNode value) { }
}
