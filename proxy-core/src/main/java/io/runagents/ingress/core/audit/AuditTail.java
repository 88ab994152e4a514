package io.runagents.ingress.core.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The latest lines of an audit trail, newest first, for {@code GET /admin/audit}: the file is read backwards
 * from its end, then the files its rotation left ({@code <stem>-YYYY-MM-DD[.N]<ext>}, newest first), until
 * enough lines matched or a byte budget is spent, so the work is bounded however large the trail is. A line
 * the writer has not finished (no newline yet) is left out. Blocking file I/O: never on an event loop.
 */
public final class AuditTail {
    private static final int CHUNK_BYTES = 64 * 1024;
    /** Longer "lines" are not the writer's (its lines are a few hundred bytes): skipped, not buffered. */
    private static final int MAX_LINE_BYTES = 1024 * 1024;

    private AuditTail() { }

    /**
     * Up to {@code limit} lines that {@code keep} accepts, newest first.
     *
     * @param file     the trail's current file ({@code audit.file})
     * @param maxBytes how much of the trail to read at most, over all its files
     */
    public static List<String> latest(Path file, int limit, long maxBytes, Predicate<String> keep)
            throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0)");
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 0)");
        }
        List<String> lines = new ArrayList<>();
        long budget = maxBytes;
        for (Path path : trail(file)) {
            if (lines.size() >= limit || budget <= 0) {
                break;
            }
            budget -= readBackwards(path, limit, budget, keep, lines);
        }
        return lines;
    }

    /** The current file, then the rotated ones, newest first (by their day, then their number). */
    static List<Path> trail(Path file) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        List<Path> paths = new ArrayList<>();
        paths.add(absolute);
        String name = absolute.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        Pattern rotated = Pattern.compile(Pattern.quote(stem) + "-(\\d{4}-\\d{2}-\\d{2})(?:\\.(\\d{1,9}))?"
                + Pattern.quote(ext));
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return paths;
        }
        record Rotated(Path path, String day, int n) { }
        List<Rotated> found = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.forEach(p -> {
                Matcher m = rotated.matcher(p.getFileName().toString());
                if (m.matches()) {
                    found.add(new Rotated(p, m.group(1), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))));
                }
            });
        }
        found.sort(Comparator.comparing(Rotated::day).thenComparingInt(Rotated::n).reversed());
        found.forEach(r -> paths.add(r.path()));
        return paths;
    }

    /** Adds the matching lines of one file, newest first; returns the bytes read. */
    private static long readBackwards(Path path, int limit, long budget, Predicate<String> keep, List<String> into)
            throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return 0; // rotated away or not written yet
        }
        try (channel) {
            long position = channel.size();
            long read = 0;
            byte[] carry = new byte[0]; // the bytes after the last newline seen, before the chunk that follows
            boolean sawNewline = false;
            while (position > 0 && read < budget && into.size() < limit) {
                int size = (int) Math.min(CHUNK_BYTES, Math.min(position, budget - read));
                position -= size;
                ByteBuffer chunk = ByteBuffer.allocate(size);
                while (chunk.hasRemaining() && channel.read(chunk, position + chunk.position()) > 0) {
                    // a positional read may return less than asked; read the rest
                }
                read += size;
                byte[] bytes = concat(chunk.array(), chunk.position(), carry);
                int end = bytes.length;
                for (int i = bytes.length - 1; i >= 0 && into.size() < limit; i--) {
                    if (bytes[i] != '\n') {
                        continue;
                    }
                    if (sawNewline) {
                        emit(bytes, i + 1, end, keep, into);
                    }
                    // Before the file's last newline is a line still being written: never shown.
                    sawNewline = true;
                    end = i;
                }
                carry = end > MAX_LINE_BYTES ? new byte[0] : Arrays.copyOf(bytes, end);
            }
            if (position == 0 && sawNewline && into.size() < limit) {
                emit(carry, 0, carry.length, keep, into); // the file's first line
            }
            return read;
        }
    }

    private static byte[] concat(byte[] head, int headLength, byte[] tail) {
        byte[] all = Arrays.copyOf(head, headLength + tail.length);
        System.arraycopy(tail, 0, all, headLength, tail.length);
        return all;
    }

    private static void emit(byte[] bytes, int from, int to, Predicate<String> keep, List<String> into) {
        if (to - from <= 0 || to - from > MAX_LINE_BYTES) {
            return;
        }
        String line = new String(bytes, from, to - from, StandardCharsets.UTF_8);
        if (keep.test(line)) {
            into.add(line);
        }
    }
}
