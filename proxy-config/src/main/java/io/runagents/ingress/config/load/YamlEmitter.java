package io.runagents.ingress.config.load;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes block-style YAML line by line. Scalars stay plain when that cannot change their meaning and are
 * double-quoted otherwise, so what the loader reads back is exactly the string written.
 */
final class YamlEmitter {
    /** Plain in a block value: starts with a letter, digit-free start keeps numbers and dates out. */
    private static final Pattern PLAIN_BLOCK = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./:@+-]*");
    /** Inside {@code [..]} or {@code {..}} a colon is risky for older parsers, so it forces quotes. */
    private static final Pattern PLAIN_FLOW = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./@+-]*");
    /** YAML 1.1 booleans and nulls, which a plain scalar would turn into. */
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "null");

    private final StringBuilder out = new StringBuilder();

    /** {@code key: value} at {@code indent} spaces. */
    YamlEmitter scalar(int indent, String key, String value) {
        line(indent, key(key) + ": " + quote(value, false));
        return this;
    }

    /** {@code key: value} for numbers and booleans, which are written as they are. */
    YamlEmitter literal(int indent, String key, Object value) {
        line(indent, key(key) + ": " + value);
        return this;
    }

    /** {@code key: [a, b]}. */
    YamlEmitter flowList(int indent, String key, List<String> values) {
        StringBuilder b = new StringBuilder();
        for (String v : values) {
            b.append(b.length() == 0 ? "" : ", ").append(quote(v, true));
        }
        line(indent, key(key) + ": [" + b + "]");
        return this;
    }

    /** {@code key: {k: v}} for a one-entry mapping. */
    YamlEmitter flowPair(int indent, String key, String innerKey, String innerValue) {
        line(indent, key(key) + ": {" + quote(innerKey, true) + ": " + quote(innerValue, true) + "}");
        return this;
    }

    /** {@code key:} opening a nested block mapping or list. */
    YamlEmitter open(int indent, String key) {
        line(indent, key(key) + ":");
        return this;
    }

    /** A raw line, for list item markers such as {@code - effect: allow}. */
    YamlEmitter line(int indent, String text) {
        out.append(" ".repeat(indent)).append(text).append('\n');
        return this;
    }

    String key(String key) {
        return quote(key, true);
    }

    /** The scalar as YAML: plain when safe, else double-quoted with escapes. */
    static String quote(String s, boolean flow) {
        boolean plain = (flow ? PLAIN_FLOW : PLAIN_BLOCK).matcher(s).matches() && !s.endsWith(":")
                && !RESERVED.contains(s.toLowerCase(Locale.ROOT));
        if (plain) {
            return s;
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !validPair(s, i)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static boolean validPair(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
