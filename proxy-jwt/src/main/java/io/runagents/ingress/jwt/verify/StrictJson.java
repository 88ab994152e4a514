package io.runagents.ingress.jwt.verify;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RFC 8259 parser for token headers, claims and JWKS documents that refuses what general-purpose parsers let
 * through: duplicate member names at any depth (two readers could pick different values), invalid UTF-8, nesting
 * deeper than a fixed limit, and anything after the value. Objects become unmodifiable {@code Map}s in member order,
 * arrays {@code List}s, integers that fit {@code Long}, other numbers {@code Double}, and JSON {@code null} Java null.
 */
public final class StrictJson {

    /** Deep enough for any real token or JWKS; shallow enough that recursion cannot exhaust the stack. */
    public static final int MAX_DEPTH = 32;

    /** A document that is not strict JSON. Stackless: attackers can trigger it cheaply, so it must be cheap. */
    public static final class JsonException extends Exception {
        private final boolean duplicate;

        JsonException(String message, boolean duplicate) {
            super(message, null, false, false);
            this.duplicate = duplicate;
        }

        /** True when the only problem found was a repeated member name. */
        public boolean duplicate() {
            return duplicate;
        }
    }

    private final String text;
    private int pos;

    private StrictJson(String text) {
        this.text = text;
    }

    /** Parses UTF-8 bytes holding exactly one JSON value. */
    public static Object parse(byte[] utf8) throws JsonException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new JsonException("invalid UTF-8", false);
        }
        return parse(text);
    }

    /** Parses a string holding exactly one JSON value. */
    public static Object parse(String text) throws JsonException {
        StrictJson p = new StrictJson(text);
        p.skipWhitespace();
        Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw new JsonException("trailing data at " + p.pos, false);
        }
        return value;
    }

    /** Parses a JSON object; anything else is an error. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(byte[] utf8) throws JsonException {
        Object value = parse(utf8);
        if (!(value instanceof Map)) {
            throw new JsonException("not a JSON object", false);
        }
        return (Map<String, Object>) value;
    }

    private Object value(int depth) throws JsonException {
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character");
        }
    }

    private Map<String, Object> object(int depth) throws JsonException {
        checkDepth(depth);
        pos++; // '{'
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableMap(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            String name = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = value(depth);
            if (members.containsKey(name)) {
                throw new JsonException("duplicate member name", true);
            }
            members.put(name, value);
            skipWhitespace();
            char c = next();
            if (c == '}') {
                return Collections.unmodifiableMap(members);
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws JsonException {
        checkDepth(depth);
        pos++; // '['
        List<Object> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return Collections.unmodifiableList(items);
        }
        while (true) {
            skipWhitespace();
            items.add(value(depth));
            skipWhitespace();
            char c = next();
            if (c == ']') {
                return Collections.unmodifiableList(items);
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() throws JsonException {
        pos++; // opening quote
        int start = pos;
        // Fast path: no escapes.
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                return text.substring(start, pos++);
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw error("control character in string");
            }
            pos++;
        }
        StringBuilder sb = new StringBuilder(text.substring(start, pos));
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character in string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    int v = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(text.charAt(pos++), 16);
                        if (d < 0) {
                            throw error("bad \\u escape");
                        }
                        v = v << 4 | d;
                    }
                    sb.append((char) v);
                }
                default -> throw error("bad escape");
            }
        }
    }

    private Object number() throws JsonException {
        int start = pos;
        boolean integral = true;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw error("bad number");
        }
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) {
                throw error("bad fraction");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("bad exponent");
            }
            digits();
        }
        String n = text.substring(start, pos);
        if (integral && pos - start <= 18) {
            return Long.parseLong(n); // 18 digits always fit; longer ones go through double
        }
        return Double.parseDouble(n);
    }

    private void digits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object value) throws JsonException {
        if (!text.startsWith(word, pos)) {
            throw error("bad literal");
        }
        pos += word.length();
        return value;
    }

    private void checkDepth(int depth) throws JsonException {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private char next() throws JsonException {
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(pos++);
    }

    private void expect(char c) throws JsonException {
        if (next() != c) {
            throw error("expected '" + c + "'");
        }
    }

    private JsonException error(String message) {
        return new JsonException(message + " at " + pos, false);
    }
}
