package io.runagents.ingress.core.audit;

import io.runagents.ingress.config.load.FileReasons;
import io.runagents.ingress.config.model.AuditSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one JSON line per {@link AuditRecord}, written in order by a single daemon thread
 * ({@value #THREAD_NAME}) so that event loops never touch the disk.
 *
 * <h2>Backpressure contract</h2>
 * {@link #offer} never blocks. The record is accepted at once while fewer than about {@code capacity}
 * lines wait for the writer; the caller then finishes its answer. Otherwise the record parks for at
 * most {@link #maxWait()} and the caller stops (its answer's last bytes and its connection's reading)
 * until one callback runs on its executor: {@code onAccepted} when the record got room (its line will be
 * written), or {@code onTimedOut} when it got none in time (its line is not written; the caller answers
 * 503 {@code audit_unavailable} instead, so nothing is served unaudited and nobody waits without bound).
 * Because every parked record pins a paused connection for at most {@code maxWait}, memory stays bounded
 * by {@code capacity} plus one record per connection. The returned {@link AuditTicket} can still change
 * what a waiting line says (a client that left meanwhile).
 *
 * <h2>Ordering</h2>
 * Lines are written in the order the {@code offer} calls took effect: while any record is parked, later
 * offers park behind it, so a parked record is never overtaken, and the offers of one thread keep their
 * order. A record that times out is left out; the others keep theirs.
 *
 * <h2>Switching files</h2>
 * {@link #switchTo} moves the trail to another file while the proxy runs (a config reload). The switch
 * travels through the same queue as the records: those offered before it stay in the old file, those
 * offered after go to the new one.
 *
 * <h2>Shutdown</h2>
 * {@link #close()} writes every accepted record, and every parked one that gets room before its deadline,
 * fsyncs the file and returns when the writer has ended. Offers after {@code close} throw
 * {@link IllegalStateException}, so stop the listeners first. The writer is a daemon thread: lines are on
 * disk at exit only if {@code close} runs on the shutdown path.
 *
 * <h2>Failures</h2>
 * If the disk fails (it is full, say), the writer retries every second, in place, so that once it
 * recovers every accepted line is written once and a line cut short by the failure is completed, not
 * repeated. Meanwhile {@link #health()} says since when and why (for {@code /readyz}), the failures are
 * counted, and the log says so once, with a reminder every 30 s and a line on recovery. Only during
 * {@code close} does the writer give up after a few attempts, counting what it could not write in
 * {@link #lost()}.
 */
public final class AuditLog implements AutoCloseable {
    /** The name of the writer thread. */
    public static final String THREAD_NAME = "runagents-audit";
    /** A queue length that absorbs bursts of a few milliseconds at high request rates. */
    public static final int DEFAULT_CAPACITY = 8192;
    /** Size at which the file is rotated when no other limit is given: 100 MiB. */
    public static final long DEFAULT_MAX_BYTES = 100L * 1024 * 1024;
    /** How long a record waits for room unless {@link #maxWait(Duration)} says otherwise. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final Duration RETRY_EVERY = Duration.ofSeconds(1);
    private static final int ATTEMPTS_WHEN_CLOSING = 3;

    private volatile Path path; // the current file; written by the writer, read by anyone
    private final AuditQueue queue;
    private AuditFile file;                                           // writer thread only
    private final AuditLineEncoder encoder = new AuditLineEncoder();   // writer thread only
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final Thread writer;
    private final WriteFailures failures;
    private final long retryNanos;
    private volatile long maxWaitNanos = DEFAULT_MAX_WAIT.toNanos();
    private boolean broken; // writer thread only: gave up while closing; the rest is counted as lost

    private AuditLog(int capacity, AuditFile file, Clock clock, Duration retryEvery) {
        this.path = file.path();
        this.queue = new AuditQueue(capacity);
        this.file = file;
        this.failures = new WriteFailures(clock, queue, capacity, retryEvery);
        this.retryNanos = retryEvery.toNanos();
        this.writer = new Thread(this::run, THREAD_NAME);
        writer.setDaemon(true);
        queue.consumer(writer);
    }

    /** Opens (creating it and its directory if needed) {@code file}, rotating at {@value #DEFAULT_MAX_BYTES} bytes. */
    /**
     * The trail proxy.yaml's {@code audit} section describes: its file, with {@link #DEFAULT_CAPACITY} lines of
     * queue and {@code maxWaitMillis}.
     *
     * @throws IllegalStateException naming {@code audit.file} when it cannot be opened
     */
    public static AuditLog open(AuditSettings settings, Clock clock) {
        try {
            AuditLog audit = open(Path.of(settings.file()), DEFAULT_CAPACITY, clock);
            audit.maxWait(Duration.ofMillis(settings.maxWaitMillis()));
            return audit;
        } catch (IOException e) {
            throw new IllegalStateException("audit.file: cannot open " + settings.file() + ": " + e.getMessage(), e);
        }
    }

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
        return open(new AuditFile(file, maxBytes, clock), capacity, clock, RETRY_EVERY);
    }

    /** Starts a log on an opened {@code file}, retrying failed writes every {@code retryEvery} (tests shorten it). */
    static AuditLog open(AuditFile file, int capacity, Clock clock, Duration retryEvery) {
        AuditLog auditLog = new AuditLog(capacity, file, clock, retryEvery);
        auditLog.writer.start();
        return auditLog;
    }

    /**
     * Hands {@code record} to the writer without blocking (see the class's backpressure contract).
     *
     * <p>If the returned ticket is not {@link AuditTicket#parked() parked}, the record was accepted: finish
     * the answer now; neither callback runs. If it is, exactly one of them runs later on
     * {@code callbackExecutor} (typically the channel's event loop, which also runs the time-out):
     * {@code onAccepted} once the record has room (finish the answer then), or {@code onTimedOut} after
     * {@link #maxWait()} without room (the line will not be written: answer 503 {@code audit_unavailable}).
     * If {@code callbackExecutor} refuses the task (its event loop shuts down), the record waits as long as
     * it takes and nobody is called.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public AuditTicket offer(AuditRecord record, ScheduledExecutorService callbackExecutor, Runnable onAccepted,
                             Runnable onTimedOut) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(callbackExecutor, "callbackExecutor");
        Objects.requireNonNull(onAccepted, "onAccepted");
        Objects.requireNonNull(onTimedOut, "onTimedOut");
        return queue.offer(record, callbackExecutor, onAccepted, onTimedOut, maxWaitNanos);
    }

    /**
     * Sets how long a record offered from now on may wait for room before it times out
     * ({@code audit.maxWaitMillis}; reloads change it live). Zero refuses at once when there is no room.
     */
    public void maxWait(Duration maxWait) {
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait: " + maxWait + " (expected: >= 0)");
        }
        this.maxWaitNanos = maxWait.toNanos();
    }

    /** How long an offered record may wait for room; {@link #DEFAULT_MAX_WAIT} unless set. */
    public Duration maxWait() {
        return Duration.ofNanos(maxWaitNanos);
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
     * Stops accepting records, writes everything accepted (and parked records that get room before their
     * deadline), fsyncs, closes the file and waits for the writer thread. Idempotent; safe from a shutdown hook.
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

    /** Parked records that found no room within {@link #maxWait()}: requests refused (counter). */
    public long timedOut() {
        return queue.timedOut();
    }

    /** Failed attempts to write, flush, fsync or rotate the file, each retry counted (counter). */
    public long writeFailures() {
        return failures.count();
    }

    /** Whether lines are being written: ok, or failing since when and why (for {@code /readyz}). */
    public AuditHealth health() {
        return failures.health();
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
        AuditTicket ticket = (AuditTicket) entry;
        AuditRecord record = ticket.take(); // from now on the line says this, whatever replace() is called
        AuditLineEncoder.Buffer bytes;
        try {
            bytes = encoder.encode(record);
        } catch (RuntimeException e) {
            // A bug, not a disk problem: losing one line beats a dead writer that would stall every caller.
            log.error("audit: cannot encode the line of request {}", record.requestId(), e);
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

    /** Runs {@code action}, retrying in place while open; false if it gave up (only while closing). */
    private boolean attempt(String what, IoAction action) {
        for (int attempt = 1; !broken; attempt++) {
            try {
                action.run();
                failures.succeeded(path);
                return true;
            } catch (IOException e) {
                int inHand = "write".equals(what) ? 1 : 0; // a failed write never reached the buffer
                failures.failed(what, path, e, queue.queued() + file.bufferedLines() + inHand);
                if (queue.closed() && attempt >= ATTEMPTS_WHEN_CLOSING) {
                    log.error("audit: {} to {} failed {} times while closing ({}); giving up, the rest is lost",
                            what, path, attempt, FileReasons.of(e, path));
                    broken = true;
                } else {
                    LockSupport.parkNanos(retryNanos);
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
