package io.runagents.ingress.core.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Turns an {@link AuditRecord} into one UTF-8 JSON line ending in {@code \n}. Jackson does the
 * escaping, so a user id or path holding quotes, newlines or any Unicode can never break a line.
 *
 * <p>Not thread-safe: the writer thread owns one and reuses its buffer for every line.
 */
final class AuditLineEncoder {
    // Fixed width millis (never the shorter forms Instant.toString picks), so lines sort and parse alike.
    private static final DateTimeFormatter TS_SECOND =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    // The writer formats one timestamp per line; the formatter's cost is paid once per second instead.
    private long cachedSecond = Long.MIN_VALUE;
    private String cachedPrefix;

    private final JsonFactory factory = new JsonFactoryBuilder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8) // emoji as 4 UTF-8 bytes, not 2 escapes
            .characterEscapes(new LineBreakEscapes())
            .build();
    private final Buffer buffer = new Buffer();

    /** The encoded line; valid until the next call. */
    Buffer encode(AuditRecord r) {
        buffer.reset();
        try (JsonGenerator g = factory.createGenerator(buffer, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("ts", timestamp(r.ts()));
            g.writeStringField("request_id", r.requestId());
            g.writeStringField("direction", r.direction().json());
            g.writeStringField("user", r.user());
            g.writeStringField("provider", r.provider());
            g.writeStringField("agent", r.agent());
            g.writeStringField("tool", r.tool());
            g.writeStringField("method", r.method());
            g.writeStringField("path", r.path());
            g.writeNumberField("status", r.status());
            g.writeStringField("decision", r.decision().json());
            g.writeStringField("reason", r.reason());
            g.writeStringField("rule", r.rule());
            g.writeNumberField("duration_ms", r.durationMs());
            g.writeStringField("context_id", r.contextId());
            g.writeEndObject();
        } catch (IOException e) {
            // Only an in-memory stream is written here; an IOException would be a bug, not a disk error.
            throw new UncheckedIOException(e);
        }
        buffer.write('\n');
        return buffer;
    }

    /**
     * JSON allows NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR raw, but some line readers (Python's
     * {@code splitlines}, JavaScript) break lines there; escaping them keeps one record per line for all.
     */
    private static final class LineBreakEscapes extends CharacterEscapes {
        private static final int[] ASCII = standardAsciiEscapesForJSON();

        @Override
        public int[] getEscapeCodesForAscii() {
            return ASCII;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return switch (ch) {
                case 0x85 -> new SerializedString("\\u0085");
                case 0x2028 -> new SerializedString("\\u2028");
                case 0x2029 -> new SerializedString("\\u2029");
                default -> null;
            };
        }
    }

    /** {@code 2030-01-02T03:04:05.000Z}: ISO-8601 UTC with milliseconds. */
    String timestamp(java.time.Instant ts) {
        long second = ts.getEpochSecond();
        if (second != cachedSecond) {
            cachedSecond = second;
            cachedPrefix = TS_SECOND.format(ts);
        }
        int millis = ts.getNano() / 1_000_000;
        char[] fraction = {'.', (char) ('0' + millis / 100), (char) ('0' + millis / 10 % 10), (char) ('0' + millis % 10),
            'Z'};
        return cachedPrefix + new String(fraction);
    }

    /** A byte buffer that exposes its array, so the line is copied once, into the file's buffer. */
    static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(512);
        }

        byte[] array() {
            return buf;
        }
    }
}
