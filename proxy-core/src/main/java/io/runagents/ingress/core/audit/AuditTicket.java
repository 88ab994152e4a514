package io.runagents.ingress.core.audit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One offered record on its way to the audit file, as returned by {@link AuditLog#offer}.
 *
 * <p>If the offer was accepted at once ({@link #parked()} is false) no callback ever runs: the line will
 * be written. If it parked, exactly one of the offer's callbacks runs later on the caller's executor:
 * {@code onAccepted} when the record got room in the queue (the line will be written), or
 * {@code onTimedOut} when it found none within the log's {@link AuditLog#maxWait() maxWait} (the line is
 * not written, and the caller must not answer as if it were).
 *
 * <p>Until the writer takes the record, {@link #replace} changes what its line will say: a request
 * whose client left while it waited is then logged as what it became (499), not as the answer nobody got.
 */
public final class AuditTicket implements AuditQueue.Entry {
    private static final Logger log = LoggerFactory.getLogger(AuditTicket.class);
    private static final VarHandle STATE;
    private static final VarHandle RECORD;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(AuditTicket.class, "state", int.class);
            RECORD = lookup.findVarHandle(AuditTicket.class, "record", AuditRecord.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int QUEUED = 0;    // accepted: in the queue or being written
    private static final int PARKED = 1;    // waiting for room
    private static final int TIMED_OUT = 2; // gave up waiting: never written

    private final Executor callbackExecutor;
    private final Runnable onAccepted;
    private final Runnable onTimedOut;
    private final boolean parked;
    private volatile int state;
    private volatile AuditRecord record; // null once the writer took it, or once the ticket timed out
    private volatile Future<?> deadline;  // the scheduled time-out of a parked record; null if none

    private AuditTicket(AuditRecord record, Executor callbackExecutor, Runnable onAccepted, Runnable onTimedOut,
                        boolean parked) {
        this.record = record;
        this.callbackExecutor = callbackExecutor;
        this.onAccepted = onAccepted;
        this.onTimedOut = onTimedOut;
        this.parked = parked;
        this.state = parked ? PARKED : QUEUED;
    }

    /** A record accepted at once. */
    static AuditTicket queued(AuditRecord record) {
        return new AuditTicket(record, null, null, null, false);
    }

    /** A record waiting for room; {@code onTimedOut} is null when it waits as long as it takes. */
    static AuditTicket parked(AuditRecord record, Executor callbackExecutor, Runnable onAccepted,
                              Runnable onTimedOut) {
        return new AuditTicket(record, callbackExecutor, onAccepted, onTimedOut, true);
    }

    /**
     * Whether the offer parked. Fixed when the offer returns, so the caller can act on it without racing
     * the writer: false means accepted at once (finish now, no callback runs); true means wait for one.
     */
    public boolean parked() {
        return parked;
    }

    /**
     * Makes the line say {@code replacement} instead of the record offered (or last replaced), for example
     * {@link AuditRecord#withStatus} 499 when the client left while the record waited for room.
     *
     * @return true if the line, when written, will say {@code replacement}; false if it is too late: the
     *         writer already took the record, or it timed out and will not be written
     */
    public boolean replace(AuditRecord replacement) {
        Objects.requireNonNull(replacement, "replacement");
        for (;;) {
            AuditRecord current = record;
            if (current == null) {
                return false;
            }
            if (RECORD.compareAndSet(this, current, replacement)) {
                return true;
            }
        }
    }

    /** Writer: the record to write, taken once; later {@link #replace} calls fail. Null if it timed out. */
    AuditRecord take() {
        return (AuditRecord) RECORD.getAndSet(this, (AuditRecord) null);
    }

    /** The request id, for log lines; null once taken. */
    String requestId() {
        AuditRecord current = record;
        return current == null ? null : current.requestId();
    }

    void deadline(Future<?> scheduled) {
        this.deadline = scheduled;
    }

    /** Consumer: claims a parked ticket for the queue; false if it timed out first (it must then be dropped). */
    boolean admit() {
        return STATE.compareAndSet(this, PARKED, QUEUED);
    }

    /** Consumer, once the admitted ticket is queued: tells its caller, on the caller's executor. */
    void resume() {
        try {
            callbackExecutor.execute(this::accepted);
        } catch (RejectedExecutionException e) {
            // The caller's event loop is shutting down: nobody is left to resume; the line is kept.
            log.debug("audit: could not resume caller of request {}", requestId(), e);
        }
    }

    /** On the caller's executor, at the deadline: gives up waiting unless admitted first. */
    boolean expire() {
        if (!STATE.compareAndSet(this, PARKED, TIMED_OUT)) {
            return false;
        }
        record = null; // a replace from now on says "too late", and a dead ticket holds no record
        return true;
    }

    /** Runs the time-out callback; called on the caller's executor after {@link #expire()} won. */
    void timedOut() {
        onTimedOut.run();
    }

    /** True once the ticket gave up waiting: the queue drops it. */
    boolean dead() {
        return state == TIMED_OUT;
    }

    private void accepted() {
        Future<?> scheduled = deadline;
        if (scheduled != null) {
            scheduled.cancel(false); // on the caller's event loop, where cancelling is cheap
        }
        onAccepted.run();
    }
}
