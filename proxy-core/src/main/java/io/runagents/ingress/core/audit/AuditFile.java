package io.runagents.ingress.core.audit;

import io.runagents.ingress.config.load.FileReasons;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * The audit file and its rotation, owned by the writer thread (not thread-safe).
 *
 * <p>Lines go into an in-memory buffer and reach the channel on {@link #flush()} or when the buffer is
 * full. Every method is safe to call again after an {@link IOException}: a line is either wholly in the
 * buffer or not at all, and a partly drained buffer resumes where the channel stopped, so retrying
 * never splits, loses or repeats a line.
 *
 * <p>Rotation closes the file, renames it to {@code <stem>-YYYY-MM-DD[.N]<ext>} (the UTC day the file
 * was started, N counting further files of that day) and opens a fresh one. It happens before a line
 * that would start a new UTC day by the clock, or push a non-empty file past {@code maxBytes}.
 */
final class AuditFile implements AutoCloseable {
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final Set<StandardOpenOption> OPTIONS =
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);

    private static final Set<PosixFilePermission> OWNER_RW_GROUP_R = PosixFilePermissions.fromString("rw-r-----");

    private final Path file;
    private final long maxBytes;
    private final Clock clock;
    private final ChannelOpener opener;
    private ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private FileChannel channel;
    private long size;
    private int bufferedLines; // appended lines whose bytes have not all reached the channel
    private LocalDate day;

    AuditFile(Path file, long maxBytes, Clock clock) throws IOException {
        this(file, maxBytes, clock, AuditFile::openForAppend);
    }

    /** Like {@link #AuditFile(Path, long, Clock)}, opening its channels with {@code opener} (tests inject failures). */
    AuditFile(Path file, long maxBytes, Clock clock, ChannelOpener opener) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.opener = opener;
        Files.createDirectories(this.file.getParent());
        open();
        try {
            // A file left by an earlier run belongs to the day it was last written, so a restart on a
            // later day rotates it under its own date rather than today's.
            day = size == 0 ? today()
                    : LocalDate.ofInstant(Files.getLastModifiedTime(this.file).toInstant(), ZoneOffset.UTC);
        } catch (IOException | RuntimeException e) {
            channel.close(); // a failed switch keeps the old file: this one must not leak a descriptor
            throw e;
        }
    }

    /** Opens {@code other} (and its directory), rotating like this file. */
    AuditFile openAnother(Path other) throws IOException {
        return new AuditFile(other, maxBytes, clock, opener);
    }

    /** The absolute, normalized path lines are appended to. */
    Path path() {
        return file;
    }

    /** Appends one complete line ({@code len} bytes of {@code line}), rotating first when due. */
    void append(byte[] line, int len) throws IOException {
        if (channel == null) {
            open(); // an earlier rotation failed between closing and reopening
        }
        LocalDate today = today();
        if (size == 0) {
            day = today; // an empty file belongs to the day of its first line
        } else if (today.isAfter(day) || size + len > maxBytes) {
            rotate(today);
        }
        if (buffer.remaining() < len) {
            drain();
            if (buffer.capacity() < len) {
                buffer = ByteBuffer.allocate(len); // a huge line: still written whole, never split
            }
        }
        buffer.put(line, 0, len);
        size += len;
        bufferedLines++;
    }

    /** Lines appended but not yet wholly handed to the operating system (all of them while the disk is full). */
    int bufferedLines() {
        return bufferedLines;
    }

    /** Hands everything buffered to the operating system. */
    void flush() throws IOException {
        if (channel != null) {
            drain();
        }
    }

    /** Flushes and asks the device to persist the data ({@code fsync}). */
    void force() throws IOException {
        if (channel != null) {
            drain();
            channel.force(false);
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            force();
            channel.close();
            channel = null;
        }
    }

    private void rotate(LocalDate today) throws IOException {
        close();
        Files.move(file, freeRotatedName());
        open();
        day = today;
    }

    private Path freeRotatedName() {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        for (int n = 0; ; n++) {
            Path candidate = file.resolveSibling(stem + "-" + day + (n == 0 ? "" : "." + n) + ext);
            if (!Files.exists(candidate)) {
                return candidate;
            }
        }
    }

    private void open() throws IOException {
        channel = opener.open(file);
        size = channel.size();
    }

    private void drain() throws IOException {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } finally {
            buffer.compact(); // keeps what was not written, so a retry resumes exactly there
        }
        bufferedLines = 0; // reached only when everything was written
    }

    private long cachedEpochDay = Long.MIN_VALUE;
    private LocalDate cachedToday;

    private LocalDate today() {
        // Called per line: derive the date only when the UTC day number changes.
        long epochDay = Math.floorDiv(clock.millis(), 86_400_000L);
        if (epochDay != cachedEpochDay) {
            cachedEpochDay = epochDay;
            cachedToday = LocalDate.ofEpochDay(epochDay);
        }
        return cachedToday;
    }

    /** See {@link AuditLog#checkWritable}. */
    static void checkWritable(Path file) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new IOException("cannot create " + file + " (" + FileReasons.of(e, absolute) + ")", e);
        }
        try (FileChannel ignored = openForAppend(absolute)) {
            // opened: writable (and, if it was created here, with the trail's permissions)
        } catch (IOException e) {
            throw new IOException("cannot append to " + file + " (" + FileReasons.of(e, absolute) + ")", e);
        }
    }

    /**
     * Opens {@code file} for appending, creating it (mode {@code rw-r-----}) if needed: the writer's files and
     * the one a reload's check creates ahead of a switch alike.
     */
    static FileChannel openForAppend(Path file) throws IOException {
        return FileChannel.open(file, OPTIONS, permissionsFor(file));
    }

    private static FileAttribute<?>[] permissionsFor(Path file) {
        // Audit lines name users: readable by the owner and its group (log shippers), nobody else.
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_RW_GROUP_R)};
        }
        return new FileAttribute<?>[0];
    }

    /** How the file's channel is opened for appending. */
    @FunctionalInterface
    interface ChannelOpener {
        FileChannel open(Path file) throws IOException;
    }
}
