package io.runagents.ingress.config.load;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.runagents.ingress.config.load.YamlNode.Entry;
import io.runagents.ingress.config.load.YamlNode.ScalarType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns YAML text into located trees, one per non-empty document, with Jackson's streaming parser: the
 * streaming parser reports where every token starts and, unlike a tree mapper, keeps duplicate keys.
 */
final class YamlTreeReader {
    /** Deeper nesting than any resource needs; the limit keeps a hostile file from overflowing the stack. */
    private static final int MAX_DEPTH = 64;
    private static final YAMLFactory FACTORY = new YAMLFactory();

    /** The documents of one file, or the one syntax error that stopped reading it. */
    record Result(List<YamlNode> documents, ConfigError syntaxError) {
        Result {
            documents = List.copyOf(documents);
        }
    }

    private YamlTreeReader() {
    }

    /** Reads every document of {@code text}; empty documents (only comments, or nothing) are skipped. */
    static Result read(String file, String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<YamlNode> documents = new ArrayList<>();
        try (YAMLParser parser = FACTORY.createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                YamlNode document = node(parser, token, 0);
                if (!(document instanceof YamlNode.Scalar s && s.type() == ScalarType.NULL)) {
                    documents.add(document);
                }
            }
            return new Result(documents, null);
        } catch (SyntaxException e) {
            return new Result(List.of(), new ConfigError(file, e.line, e.column, "", e.getMessage()));
        } catch (JsonProcessingException e) {
            return new Result(List.of(), syntaxError(file, e));
        } catch (IOException e) {
            return new Result(List.of(), new ConfigError(file, 0, 0, "", "cannot read: " + e.getMessage()));
        }
    }

    private static YamlNode node(YAMLParser parser, JsonToken token, int depth) throws IOException {
        JsonLocation at = parser.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        if (depth > MAX_DEPTH) {
            throw new SyntaxException(line, column, "nested deeper than " + MAX_DEPTH + " levels");
        }
        if (parser.isCurrentAlias()) {
            // Aliases would let one edit change several resources unseen; resources are small enough to spell out.
            throw new SyntaxException(line, column, "YAML aliases (*" + parser.getText() + ") are not supported");
        }
        switch (token) {
            case START_OBJECT: {
                List<Entry> entries = new ArrayList<>();
                JsonToken next;
                while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    JsonLocation keyAt = parser.currentTokenLocation();
                    String key = parser.currentName();
                    YamlNode value = node(parser, parser.nextToken(), depth + 1);
                    entries.add(new Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
                }
                expect(next, JsonToken.END_OBJECT, line, column);
                return new YamlNode.Mapping(entries, line, column);
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (next == null) {
                        throw new SyntaxException(line, column, "unterminated list");
                    }
                    items.add(node(parser, next, depth + 1));
                }
                return new YamlNode.Sequence(items, line, column);
            }
            case VALUE_STRING:
                return new YamlNode.Scalar(parser.getText(), ScalarType.STRING, line, column);
            case VALUE_NUMBER_INT:
                try {
                    return new YamlNode.Scalar(parser.getBigIntegerValue().toString(), ScalarType.INTEGER, line, column);
                } catch (NumberFormatException e) {
                    // A plain scalar Jackson took for a number but cannot decode: the user meant text.
                    return new YamlNode.Scalar(parser.getText(), ScalarType.STRING, line, column);
                }
            case VALUE_NUMBER_FLOAT:
                return new YamlNode.Scalar(parser.getText(), ScalarType.FLOAT, line, column);
            case VALUE_TRUE:
                return new YamlNode.Scalar("true", ScalarType.BOOLEAN, line, column);
            case VALUE_FALSE:
                return new YamlNode.Scalar("false", ScalarType.BOOLEAN, line, column);
            case VALUE_NULL:
                return new YamlNode.Scalar(null, ScalarType.NULL, line, column);
            default:
                throw new SyntaxException(line, column, "unexpected YAML token " + token);
        }
    }

    private static void expect(JsonToken actual, JsonToken expected, int line, int column) {
        if (actual != expected) {
            throw new SyntaxException(line, column, "unterminated mapping");
        }
    }

    /**
     * SnakeYAML knows where the problem is (Jackson's own location points at the last good token), so its
     * mark is preferred when the cause carries one.
     */
    private static ConfigError syntaxError(String file, JsonProcessingException e) {
        if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
            String message = m.getProblem();
            if (m.getContext() != null) {
                message += " (" + m.getContext() + (m.getContextMark() == null ? ""
                        : " started at " + (m.getContextMark().getLine() + 1) + ":"
                        + (m.getContextMark().getColumn() + 1)) + ")";
            }
            return new ConfigError(file, m.getProblemMark().getLine() + 1, m.getProblemMark().getColumn() + 1,
                    "", "YAML syntax error: " + oneLine(message));
        }
        JsonLocation at = e.getLocation();
        int line = at == null ? 0 : Math.max(at.getLineNr(), 0);
        int column = at == null ? 0 : Math.max(at.getColumnNr(), 0);
        return new ConfigError(file, line, column, "", "YAML syntax error: " + oneLine(e.getOriginalMessage()));
    }

    private static String oneLine(String message) {
        return message == null ? "unreadable YAML" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** A structural problem found while building the tree; unchecked so it passes through the recursion. */
    private static final class SyntaxException extends RuntimeException {
        final int line;
        final int column;

        SyntaxException(int line, int column, String message) {
            super(message, null, false, false);
            this.line = line;
            this.column = column;
        }
    }
}
