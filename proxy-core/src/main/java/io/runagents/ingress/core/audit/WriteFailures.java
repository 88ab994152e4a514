package io.runagents.ingress.core.audit;

import io.runagents.ingress.config.load.FileReasons;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit writer's failure episodes (a full disk, say): the health {@code /readyz} reads, the count of
 * failed attempts, and a log that says so without flooding. The first failure of an episode logs one
 * ERROR with the operating system's reason (the stack trace only at DEBUG); while it lasts, a WARN
 * reminder at most every {@value #REMINDER_SECONDS} s by the clock; the first success after it, one INFO.
 *
 * <p>Updated by the writer thread only; {@link #health()} and {@link #count()} are read by anyone.
 */
final class WriteFailures {
    static final int REMINDER_SECONDS = 30;
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class); // operators look for the trail's name

    private final Clock clock;
    private final AuditQueue queue;
    private final int capacity;
    private final Duration retryEvery;
    private final AtomicLong count = new AtomicLong();
    private volatile AuditHealth health = AuditHealth.OK;
    // Writer thread only:
    private boolean failing;
    private long episodeAttempts;
    private long timedOutBefore; // the queue's time-out count when the episode began
    private int waitingLines;    // lines not on disk at the last failure: those written late on recovery
    private long lastLoggedMillis;

    WriteFailures(Clock clock, AuditQueue queue, int capacity, Duration retryEvery) {
        this.clock = clock;
        this.queue = queue;
        this.capacity = capacity;
        this.retryEvery = retryEvery;
    }

    /** Failed attempts (writes, flushes, fsyncs, rotations) since the log opened; each retry counts. */
    long count() {
        return count.get();
    }

    /** Ok, or failing since when and why. */
    AuditHealth health() {
        return health;
    }

    /**
     * Writer: an attempt to {@code what} ({@code write}, {@code fsync}, ...) to {@code file} failed, with
     * {@code waitingLines} accepted lines not on disk (queued, buffered, and the one in hand).
     */
    void failed(String what, Path file, IOException e, int waitingLines) {
        count.incrementAndGet();
        episodeAttempts++;
        this.waitingLines = waitingLines;
        String reason = FileReasons.of(e, file);
        long now = clock.millis();
        if (log.isDebugEnabled()) {
            log.debug("audit: {} to {} failed", what, file, e);
        }
        if (!failing) {
            failing = true;
            episodeAttempts = 1;
            timedOutBefore = queue.timedOut();
            lastLoggedMillis = now;
            health = AuditHealth.failing(file, Instant.ofEpochMilli(now), reason);
            log.error("audit: {} to {} failed: {}; retrying every {} ms. Requests go on while lines can wait in "
                    + "memory ({} of them); then each waits up to audit.maxWaitMillis for room and is refused "
                    + "503 audit_unavailable", what, file, reason, retryEvery.toMillis(), capacity);
            return;
        }
        if (!reason.equals(health.error()) || !file.equals(health.file())) {
            health = AuditHealth.failing(file, health.failingSince(), reason); // same episode, newer reason
        }
        if (now - lastLoggedMillis >= REMINDER_SECONDS * 1000L) {
            lastLoggedMillis = now;
            log.warn("audit: {} still cannot be written since {} ({}): {} lines waiting, {} requests waiting for "
                            + "room, {} refused so far", file, health.failingSince(), reason, waitingLines,
                    queue.parked(), queue.timedOut() - timedOutBefore);
        }
    }

    /** Writer: an attempt succeeded; ends the episode if one was under way. Cheap when none was. */
    void succeeded(Path file) {
        if (!failing) {
            return;
        }
        failing = false;
        Instant since = health.failingSince();
        health = AuditHealth.OK;
        long seconds = Duration.between(since, clock.instant()).toSeconds();
        log.info("audit: {} is written again after {} s ({} failed attempts, {} requests refused); writing the {} "
                        + "lines that waited", file, seconds, episodeAttempts, queue.timedOut() - timedOutBefore,
                waitingLines);
    }
}
