package io.runagents.ingress.core.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one JSON line per {@link AuditRecord}, written in order by a single daemon thread
 * ({@value #THREAD_NAME}) so that event loops never touch the disk.
 *
 * <h2>Backpressure contract</h2>
 * {@link #offer} never blocks and never drops. It returns {@code true} when the record was accepted at
 * once. It returns {@code false} when the log is behind (about {@code capacity} lines waiting, or
 * other records already parked): the record is still kept, parked, and its line will still be written,
 * but the caller must stop reading its connection until {@code onAccepted} runs on
 * {@code callbackExecutor} (typically the channel's event loop). Because every parked record pins a
 * paused connection, memory stays bounded by {@code capacity} plus one record per connection.
 * {@code onAccepted} runs when the writer takes the record to write it.
 *
 * <h2>Ordering</h2>
 * Accepted and parked records share one FIFO queue, so lines are written in the order the
 * {@code offer} calls took effect: a parked record is never overtaken by a later offer, and the
 * offers of one thread keep their order.
 *
 * <h2>Switching files</h2>
 * {@link #switchTo} moves the trail to another file while the proxy runs (a config reload). The switch
 * travels through the same queue as the records: those offered before it stay in the old file, those
 * offered after go to the new one.
 *
 * <h2>Shutdown</h2>
 * {@link #close()} writes every record offered before it, parked ones included, fsyncs the file and
 * returns when the writer has ended. Offers after {@code close} throw {@link IllegalStateException},
 * so stop the listeners first. The writer is a daemon thread: lines are on disk at exit only if
 * {@code close} runs on the shutdown path.
 *
 * <p>If the disk fails, the writer retries every second and callers park meanwhile: the proxy slows
 * down rather than lose lines. Only during {@code close} does it give up after a few attempts,
 * counting what it could not write in {@link #lost()}.
 */
public final class AuditLog implements AutoCloseable {
    /** The name of the writer thread. */
    public static final String THREAD_NAME = "runagents-audit";
    /** A queue length that absorbs bursts of a few milliseconds at high request rates. */
    public static final int DEFAULT_CAPACITY = 8192;
    /** Size at which the file is rotated when no other limit is given: 100 MiB. */
    public static final long DEFAULT_MAX_BYTES = 100L * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int ATTEMPTS_WHEN_CLOSING = 3;

    private volatile Path path; // the current file; written by the writer, read by anyone
    private final AuditQueue queue;
    private AuditFile file;                                           // writer thread only
    private final AuditLineEncoder encoder = new AuditLineEncoder();   // writer thread only
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final Thread writer;
    private boolean broken; // writer thread only: gave up while closing; the rest is counted as lost

    private AuditLog(int capacity, AuditFile file) {
        this.path = file.path();
        this.queue = new AuditQueue(capacity);
        this.file = file;
        this.writer = new Thread(this::run, THREAD_NAME);
        writer.setDaemon(true);
        queue.consumer(writer);
    }

    /** Opens (creating it and its directory if needed) {@code file}, rotating at {@value #DEFAULT_MAX_BYTES} bytes. */
    public static AuditLog open(Path file, int capacity, Clock clock) throws IOException {
        return open(file, capacity, DEFAULT_MAX_BYTES, clock);
    }

    /**
     * Opens {@code file} for appending and starts the writer. The file rotates at UTC midnight by
     * {@code clock} and before a line would take it past {@code maxBytes}.
     *
     * @throws IOException when the directory or file cannot be created or opened
     */
    public static AuditLog open(Path file, int capacity, long maxBytes, Clock clock) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(clock, "clock");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 1)");
        }
        AuditLog auditLog = new AuditLog(capacity, new AuditFile(file, maxBytes, clock));
        auditLog.writer.start();
        return auditLog;
    }

    /**
     * Hands {@code record} to the writer without blocking.
     *
     * @return {@code true} if accepted now ({@code onAccepted} will not run); {@code false} if parked:
     *         the line will still be written, and the caller must pause until {@code onAccepted} runs
     * @throws IllegalStateException after {@link #close()}
     */
    public boolean offer(AuditRecord record, Executor callbackExecutor, Runnable onAccepted) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(callbackExecutor, "callbackExecutor");
        Objects.requireNonNull(onAccepted, "onAccepted");
        return queue.offer(record, callbackExecutor, onAccepted);
    }

    /**
     * Completes when every record offered before this call is written and fsynced; after
     * {@link #close()}, when the writer has ended. Meant for tests and orderly handovers.
     */
    public CompletableFuture<Void> flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            queue.offerFlush(done);
        } catch (IllegalStateException afterClose) {
            return terminated.copy();
        }
        return done;
    }

    /**
     * Writes every record offered after this call to {@code newFile} (created with its directory if
     * needed, appended to if it exists; same size limit and clock), and every record offered before it to
     * the current file, which is then fsynced and closed. Never blocks: the writer thread does the work.
     * Switching to the current file (same absolute, normalized path) changes nothing.
     *
     * @return completes once the writer has switched; fails with the {@link IOException} if
     *         {@code newFile} cannot be opened (the log then stays on its current file), or with
     *         {@link IllegalStateException} after {@link #close()}
     */
    public CompletableFuture<Void> switchTo(Path newFile) {
        Objects.requireNonNull(newFile, "newFile");
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            queue.offerSwitch(newFile, done);
        } catch (IllegalStateException afterClose) {
            return CompletableFuture.failedFuture(afterClose);
        }
        return done;
    }

    /**
     * Checks that {@code file} can be appended to (creating its directory and the file if needed), without
     * writing to it: a reload that names it is refused up front rather than failing in the writer.
     *
     * @throws IOException whose message says which file cannot be created or appended to, and why
     */
    public static void checkWritable(Path file) throws IOException {
        AuditFile.checkWritable(file);
    }

    /** The absolute path of the file lines currently go to; it changes when the writer takes a {@link #switchTo}. */
    public Path path() {
        return path;
    }

    /**
     * Stops accepting records, writes everything offered (parked records too), fsyncs, closes the file
     * and waits for the writer thread. Idempotent; safe from a shutdown hook.
     */
    @Override
    public void close() {
        queue.close();
        if (Thread.currentThread() == writer) {
            return; // called from a callback run inline on the writer: it finishes on its own
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true; // keep waiting: returning early would lose lines at exit
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lines handed to the file so far; each batch reaches the OS when the queue runs empty (gauge). */
    public long written() {
        return written.get();
    }

    /** Records accepted and waiting for the writer, parked ones excluded (gauge). */
    public int queued() {
        return queue.queued();
    }

    /** Records parked, each pausing one caller (gauge). */
    public int parked() {
        return queue.parked();
    }

    /** Lines that could not be written (the disk kept failing while closing, or a bug); 0 normally. */
    public long lost() {
        return lost.get();
    }

    private void run() {
        try {
            while (!queue.finished()) {
                AuditQueue.Entry entry = queue.poll();
                if (entry != null) {
                    handle(entry);
                } else {
                    attempt("flush", file::flush); // the queue went empty: end of a batch
                    queue.awaitWork();
                }
            }
            attempt("close", file::close);
            terminated.complete(null);
        } catch (Throwable t) {
            log.error("audit writer for {} stopped", path, t);
            terminated.completeExceptionally(t);
        }
    }

    private void handle(AuditQueue.Entry entry) {
        if (entry instanceof AuditQueue.Flush marker) {
            if (attempt("fsync", file::force)) {
                marker.done().complete(null);
            } else {
                marker.done().completeExceptionally(new IOException("audit file " + path + " not written"));
            }
            return;
        }
        if (entry instanceof AuditQueue.SwitchFile request) {
            switchFile(request);
            return;
        }
        AuditQueue.Line line = (AuditQueue.Line) entry;
        if (line.parked()) {
            resume(line);
        }
        AuditLineEncoder.Buffer bytes;
        try {
            bytes = encoder.encode(line.record());
        } catch (RuntimeException e) {
            // A bug, not a disk problem: losing one line beats a dead writer that would stall every caller.
            log.error("audit: cannot encode the line of request {}", line.record().requestId(), e);
            lost.incrementAndGet();
            return;
        }
        if (attempt("write", () -> file.append(bytes.array(), bytes.size()))) {
            written.incrementAndGet();
        } else {
            lost.incrementAndGet();
        }
    }

    private void switchFile(AuditQueue.SwitchFile request) {
        Path target = request.file();
        AuditFile next;
        try {
            if (target.toAbsolutePath().normalize().equals(file.path())) {
                request.done().complete(null);
                return;
            }
            // Opened before the current file is closed, so a bad path leaves the log writing where it was.
            next = file.openAnother(target);
        } catch (IOException | RuntimeException e) {
            // Not retried like a write: a path that cannot be opened now needs a new config, not a wait.
            // RuntimeExceptions too: a writer killed by a bad setting would stall every caller.
            log.warn("audit: cannot switch to {}; still writing to {}", target, path, e);
            request.done().completeExceptionally(e);
            return;
        }
        Path previous = path;
        boolean closed = attempt("close", file::close);
        file = next;
        path = next.path();
        if (closed) {
            log.info("audit: switched from {} to {}", previous, path);
            request.done().complete(null);
        } else {
            request.done().completeExceptionally(new IOException("audit file " + previous + " not written"));
        }
    }

    private void resume(AuditQueue.Line line) {
        try {
            line.callbackExecutor().execute(line.onAccepted());
        } catch (RejectedExecutionException e) {
            // The caller's event loop is shutting down: nobody is left to resume, the line is kept.
            log.debug("audit: could not resume caller of request {}", line.record().requestId(), e);
        }
    }

    /** Runs {@code action}, retrying while open; false if it gave up (only while closing). */
    private boolean attempt(String what, IoAction action) {
        for (int attempt = 1; !broken; attempt++) {
            try {
                action.run();
                return true;
            } catch (IOException e) {
                if (queue.closed() && attempt >= ATTEMPTS_WHEN_CLOSING) {
                    log.error("audit: {} to {} failed {} times while closing; giving up", what, path, attempt, e);
                    broken = true;
                } else {
                    log.error("audit: {} to {} failed (attempt {}); retrying, callers wait", what, path, attempt, e);
                    LockSupport.parkNanos(RETRY_NANOS);
                }
            }
        }
        return false;
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
