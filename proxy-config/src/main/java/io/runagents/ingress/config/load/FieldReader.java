package io.runagents.ingress.config.load;

import io.runagents.ingress.config.load.YamlNode.Entry;
import io.runagents.ingress.config.load.YamlNode.Mapping;
import io.runagents.ingress.config.load.YamlNode.Scalar;
import io.runagents.ingress.config.load.YamlNode.ScalarType;
import io.runagents.ingress.config.load.YamlNode.Sequence;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads typed fields from one YAML mapping, reporting every problem to its document instead of stopping at
 * the first. A field that is absent or {@code null} reads as null (the binder applies the default); a field of
 * the wrong type is reported and also reads as null. {@link #checkUnknown} reports the keys nobody read.
 */
final class FieldReader {
    static final String MISSING = "required field missing";

    private final SourceDocument doc;
    private final String path;
    private final int line;
    private final int column;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Set<String> taken = new HashSet<>();

    /** {@code line}/{@code column} are where a missing field is reported: the key holding this mapping. */
    FieldReader(SourceDocument doc, Mapping mapping, String path, int line, int column) {
        this.doc = doc;
        this.path = path;
        this.line = line;
        this.column = column;
        for (Entry e : mapping.entries()) {
            Entry first = entries.putIfAbsent(e.key(), e);
            if (first != null) {
                doc.error(e.line(), e.column(), field(e.key()),
                        "duplicate key (first at line " + first.line() + ", column " + first.column() + ")");
            }
        }
    }

    /** A reader for a document's root mapping. */
    static FieldReader root(SourceDocument doc, Mapping mapping) {
        return new FieldReader(doc, mapping, "", mapping.line(), mapping.column());
    }

    SourceDocument document() {
        return doc;
    }

    /** The dotted path of {@code key} in this mapping, such as {@code spec.identityProvider.issuer}. */
    String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The keys of this mapping in file order, for free-form maps. */
    List<String> keys() {
        return List.copyOf(entries.keySet());
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The value of {@code key}, marking it read; null when absent. Explicit {@code null} is returned as a node. */
    YamlNode take(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        taken.add(key);
        // A nested mapping is best pointed at by its key line ("spec:"), a value by where it starts.
        if (e.value() instanceof Mapping) {
            doc.remember(field(key), e.line(), e.column());
        } else {
            doc.remember(field(key), e.value().line(), e.value().column());
        }
        return e.value();
    }

    /** Like {@link #take} but an explicit YAML {@code null} also reads as absent. */
    YamlNode value(String key) {
        YamlNode n = take(key);
        return n instanceof Scalar s && s.type() == ScalarType.NULL ? null : n;
    }

    void error(String key, String message) {
        Entry e = entries.get(key);
        if (e == null) {
            doc.error(line, column, field(key), message);
        } else {
            doc.error(e.value(), field(key), message);
        }
    }

    /** Reports {@code key} as not allowed here (when present), so that it is not also reported as unknown. */
    void disallow(String key, String message) {
        if (take(key) != null) {
            error(key, message);
        }
    }

    /** Reports every key not read so far as unknown; {@code known} lists the valid keys in SPEC order. */
    void checkUnknown(String... known) {
        for (Entry e : entries.values()) {
            if (!taken.contains(e.key())) {
                doc.error(e.line(), e.column(), field(e.key()),
                        "unknown field (expected one of: " + String.join(", ", known) + ")");
            }
        }
    }

    String string(String key) {
        YamlNode n = value(key);
        return n == null ? null : string(field(key), n);
    }

    /** A string that must be present; absent and explicit {@code null} are both reported as missing. */
    String requiredString(String key) {
        YamlNode n = value(key);
        if (n == null) {
            error(key, MISSING);
            return null;
        }
        return string(field(key), n);
    }

    /** A non-empty string, or null after reporting a type error. */
    String string(String field, YamlNode n) {
        if (n instanceof Scalar s && s.type() == ScalarType.STRING) {
            if (s.text().isEmpty()) {
                doc.error(n, field, "\"\" (expected: a non-empty string)");
                return null;
            }
            return s.text();
        }
        boolean quotable = n instanceof Scalar s && s.type() != ScalarType.NULL;
        doc.error(n, field, n.describe() + " (expected: a string" + (quotable ? "; quote it)" : ")"));
        return null;
    }

    Boolean bool(String key) {
        YamlNode n = value(key);
        if (n == null) {
            return null;
        }
        if (n instanceof Scalar s && s.type() == ScalarType.BOOLEAN) {
            return Boolean.valueOf(s.text());
        }
        error(key, n.describe() + " (expected: true or false)");
        return null;
    }

    /** An int of at least {@code min}, or null when absent or invalid. */
    Integer integer(String key, int min) {
        Long v = longValue(key, min, Integer.MAX_VALUE);
        return v == null ? null : v.intValue();
    }

    /** An int from {@code min} to {@code max}, or null when absent or invalid. */
    Integer integer(String key, int min, int max) {
        Long v = longValue(key, min, max);
        return v == null ? null : v.intValue();
    }

    /** A long of at least {@code min}, or null when absent or invalid. */
    Long longValue(String key, long min) {
        return longValue(key, min, Long.MAX_VALUE);
    }

    private Long longValue(String key, long min, long max) {
        YamlNode n = value(key);
        if (n == null) {
            return null;
        }
        if (!(n instanceof Scalar s && s.type() == ScalarType.INTEGER)) {
            error(key, n.describe() + " (expected: an integer)");
            return null;
        }
        BigInteger v = new BigInteger(((Scalar) n).text());
        if (v.compareTo(BigInteger.valueOf(max)) > 0) {
            error(key, v + " (expected: <= " + max + ")");
            return null;
        }
        if (v.compareTo(BigInteger.valueOf(min)) < 0) {
            error(key, v + " (expected: >= " + min + ")");
            return null;
        }
        return v.longValue();
    }

    /** A nested mapping, or null when absent or not a mapping (reported). */
    FieldReader mapping(String key) {
        YamlNode n = value(key);
        if (n == null) {
            return null;
        }
        Entry e = entries.get(key);
        return mapping(field(key), n, e.line(), e.column());
    }

    FieldReader requiredMapping(String key) {
        if (value(key) == null) {
            error(key, MISSING);
            return null;
        }
        return mapping(key);
    }

    /** A mapping found at {@code field} (a list item, for instance), or null after reporting its type. */
    FieldReader mapping(String field, YamlNode n, int anchorLine, int anchorColumn) {
        if (n instanceof Mapping m) {
            return new FieldReader(doc, m, field, anchorLine, anchorColumn);
        }
        doc.error(n, field, n.describe() + " (expected: a mapping)");
        return null;
    }

    /** The items of a list, or null when absent or not a list (reported). */
    List<YamlNode> sequence(String key) {
        YamlNode n = value(key);
        if (n == null) {
            return null;
        }
        if (n instanceof Sequence s) {
            return s.items();
        }
        error(key, n.describe() + " (expected: a list)");
        return null;
    }

    /** A list of non-empty strings, each passed through {@code convert}; null when absent. */
    <T> List<T> strings(String key, Function<String, T> convert) {
        List<YamlNode> items = sequence(key);
        if (items == null) {
            return null;
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String itemField = field(key) + "[" + i + "]";
            String s = string(itemField, items.get(i));
            if (s != null) {
                T converted = convert(itemField, items.get(i), s, convert);
                if (converted != null) {
                    out.add(converted);
                }
            }
        }
        return out;
    }

    List<String> strings(String key) {
        return strings(key, Function.identity());
    }

    /**
     * Like {@link #strings(String, Function)} for a list that must not be empty when present, because {@code []}
     * would switch its check off or leave nothing to use; {@code []} is reported as
     * {@code [] (expected: EXPECTED)}. Absent and {@code null} still read as null.
     */
    <T> List<T> nonEmptyStrings(String key, Function<String, T> convert, String expected) {
        List<T> out = strings(key, convert);
        // The items as written, not as converted: a list of only bad items is already reported item by item.
        if (out != null && entries.get(key).value() instanceof Sequence s && s.items().isEmpty()) {
            error(key, "[] (expected: " + expected + ")");
        }
        return out;
    }

    /**
     * A list that narrows a check, such as {@code audiences} or a policy rule's {@code users}: optional, and
     * omitting it is the one way to skip the check; {@code []}, and a key left without a value ({@code users:}
     * or {@code users: null}, a template that rendered nothing), are refused rather than read as "anyone".
     */
    <T> List<T> checkList(String key, Function<String, T> convert, String item) {
        String expected = "at least one " + item + "; omit the field to skip this check";
        Entry e = entries.get(key);
        if (e != null && e.value() instanceof Scalar s && s.type() == ScalarType.NULL) {
            take(key);
            error(key, "no value (expected: " + expected + ")");
            return null;
        }
        return nonEmptyStrings(key, convert, expected);
    }

    /** Applies {@code convert} to a string field; an IllegalArgumentException becomes an error at the value. */
    <T> T convert(String key, String value, Function<String, T> convert) {
        if (value == null) {
            return null;
        }
        Entry e = entries.get(key);
        return convert(field(key), e.value(), value, convert);
    }

    <T> T convert(String field, YamlNode at, String value, Function<String, T> convert) {
        try {
            return convert.apply(value);
        } catch (IllegalArgumentException ex) {
            doc.error(at, field, ex.getMessage());
            return null;
        }
    }
}
