package io.runagents.ingress.core.audit;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The many-producers, one-consumer FIFO between callers and the audit writer. Lock-free on the
 * producer side, so an event loop is never held up by the writer, even one descheduled mid-batch.
 *
 * <p>Two stages: the queue itself (about {@code capacity} accepted entries) and, behind it, the
 * waiting line of records (and markers) that found it full. While anything waits, every later offer
 * waits too, and the consumer moves waiting entries into the queue in order as room appears; so
 * nothing overtakes a waiting entry. A waiting record whose deadline passes leaves the line without
 * being written. Records of one period of trouble share one time-out, so they die in the order they
 * came: dead ones are unlinked at the head of the line and do not pile up while the writer is stuck.
 */
final class AuditQueue {
    private final int capacity;
    private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Entry> waiting = new ConcurrentLinkedQueue<>();
    // Entries counted in by producers and not yet taken. Producers count in *before* reading `closed`,
    // so once the consumer sees `closed`, pending also covers every producer that got past the check.
    private final AtomicInteger pending = new AtomicInteger();
    // Live entries in `waiting` (records and markers); counted before they are linked, so never late.
    private final AtomicInteger waitingCount = new AtomicInteger();
    private final AtomicInteger parked = new AtomicInteger(); // live records in `waiting`
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicBoolean idle = new AtomicBoolean();
    private volatile Thread consumer;
    /** How long the consumer waits for more lines before looking again, while traffic flows. */
    private static final long LINGER_NANOS = 1_000_000;
    /** Consecutive empty waits (100 ms without a line) after which it sleeps until a producer wakes it. */
    private static final int WAITS_BEFORE_SLEEP = 100;
    private int emptyWaits; // consumer-confined
    private volatile boolean closed;

    AuditQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Sets the one thread that takes entries and is woken when they arrive. */
    void consumer(Thread thread) {
        this.consumer = thread;
    }

    /**
     * Adds a record: queued at once, or parked with its callbacks. When {@code onTimedOut} is set, a parked
     * record times out after {@code maxWaitNanos} on {@code callbackExecutor}, which must then be a
     * {@link ScheduledExecutorService}; without it, it waits as long as it takes.
     */
    AuditTicket offer(AuditRecord record, Executor callbackExecutor, Runnable onAccepted, Runnable onTimedOut,
                      long maxWaitNanos) {
        int ahead = countIn();
        // While anything waits, wait too: the pause must reach every producer, not only the unlucky.
        if (ahead < capacity && waitingCount.get() == 0) {
            AuditTicket ticket = AuditTicket.queued(record);
            entries.add(ticket);
            if (ahead >= capacity / 2) {
                LockSupport.unpark(consumer); // room runs short: no lingering
            } else {
                wakeConsumer();
            }
            return ticket;
        }
        AuditTicket ticket = AuditTicket.parked(record, callbackExecutor, onAccepted, onTimedOut);
        parked.incrementAndGet();
        addWaiting(ticket);
        if (onTimedOut != null) {
            scheduleDeadline(ticket, callbackExecutor, maxWaitNanos);
        }
        return ticket;
    }

    /** Adds a marker the consumer completes once everything before it is on disk. */
    void offerFlush(CompletableFuture<Void> done) {
        offerMarker(new Flush(done));
    }

    /** Adds a marker after which the consumer writes to {@code file}; it completes {@code done} once it has. */
    void offerSwitch(Path file, CompletableFuture<Void> done) {
        offerMarker(new SwitchFile(file, done));
    }

    /** Consumer: the next entry, or null when none is there yet (waiting entries move in first, if there is room). */
    Entry poll() {
        admitWaiting();
        Entry entry = entries.poll();
        if (entry != null) {
            emptyWaits = 0;
            pending.decrementAndGet();
        }
        return entry;
    }

    /** Consumer: true once closed and every entry offered before closing has been taken or has timed out. */
    boolean finished() {
        return closed && pending.get() == 0 && waitingCount.get() == 0;
    }

    /** Consumer, after {@link #poll()} found nothing: waits for an entry or {@link #close()}. */
    void awaitWork() {
        if (closed) {
            Thread.onSpinWait(); // a producer counted itself in and is about to enqueue
            return;
        }
        if (emptyWaits < WAITS_BEFORE_SLEEP) {
            // Under traffic the consumer lingers instead of being woken for each line: an unpark per
            // request would cost every request a futex call and a context switch. A line waits 1 ms at most.
            emptyWaits++;
            LockSupport.parkNanos(this, LINGER_NANOS);
            return;
        }
        idle.set(true);
        if (entries.isEmpty() && waitingCount.get() == 0 && !closed) {
            LockSupport.park(this);
        }
        idle.set(false);
    }

    /** Refuses further entries and wakes the consumer so it can finish. */
    void close() {
        closed = true;
        LockSupport.unpark(consumer);
    }

    boolean closed() {
        return closed;
    }

    /** Entries accepted and not yet taken by the consumer (the queue's depth). */
    int queued() {
        return Math.max(0, pending.get());
    }

    /** Records waiting for room, each holding up one caller. */
    int parked() {
        return parked.get();
    }

    /** Parked records that gave up waiting: their callers refused the request instead. */
    long timedOut() {
        return timedOut.get();
    }

    private void offerMarker(Entry marker) {
        countIn();
        if (waitingCount.get() == 0) {
            entries.add(marker);
        } else {
            addWaiting(marker); // behind the waiting records, so it still comes after them
        }
        LockSupport.unpark(consumer);
    }

    /** Links {@code entry} into the waiting line; its producer counted itself into {@code pending} before. */
    private void addWaiting(Entry entry) {
        // Counted before linking: a later offer then waits too, and the consumer finishes late, never early.
        waitingCount.incrementAndGet();
        waiting.add(entry);
        pending.decrementAndGet(); // counted in `waitingCount` now
        LockSupport.unpark(consumer); // a caller waits for room: no lingering
    }

    private void scheduleDeadline(AuditTicket ticket, Executor callbackExecutor, long maxWaitNanos) {
        ScheduledExecutorService scheduler = (ScheduledExecutorService) callbackExecutor; // AuditLog.offer's type
        try {
            ticket.deadline(scheduler.schedule(() -> expire(ticket), maxWaitNanos, TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException e) {
            // The caller's event loop is shutting down: no time-out, the record waits as long as it takes.
        }
    }

    /** At a parked record's deadline, on its caller's executor. */
    private void expire(AuditTicket ticket) {
        if (!ticket.expire()) {
            return; // admitted just before: its caller is resumed instead
        }
        timedOut.incrementAndGet();
        parked.decrementAndGet();
        waitingCount.decrementAndGet();
        dropDeadHeads();
        ticket.timedOut();
    }

    /** Unlinks dead records at the head of the waiting line, so they do not pile up while the writer is stuck. */
    private void dropDeadHeads() {
        for (Entry head; (head = waiting.peek()) instanceof AuditTicket t && t.dead(); ) {
            waiting.remove(head); // the head: found at once (unless the consumer took it meanwhile)
        }
    }

    /** Consumer: moves waiting entries into the queue, in order, while it has room; dead records are dropped. */
    private void admitWaiting() {
        while (pending.get() < capacity) {
            Entry next = waiting.poll();
            if (next == null) {
                return; // nothing waits, or a producer counted itself in and is about to link its entry
            }
            AuditTicket ticket = next instanceof AuditTicket t ? t : null; // else a flush or switch marker
            if (ticket != null && !ticket.admit()) {
                continue; // timed out: never written; its time-out did the counting
            }
            pending.incrementAndGet();
            entries.add(next);
            if (ticket != null) {
                parked.decrementAndGet();
            }
            waitingCount.decrementAndGet(); // after queueing: later offers stop waiting only behind it
            if (ticket != null) {
                ticket.resume();
            }
        }
    }

    private int countIn() {
        int ahead = pending.getAndIncrement();
        if (closed) {
            pending.decrementAndGet();
            throw new IllegalStateException("audit log is closed");
        }
        return ahead;
    }

    private void wakeConsumer() {
        // Pairs with awaitWork: the consumer publishes `idle` before its last look at the queue, and a
        // producer publishes its entry before reading `idle`, so one of them always sees the other.
        if (idle.get() && idle.compareAndSet(true, false)) {
            LockSupport.unpark(consumer);
        }
    }

    /** What travels through the queue. */
    sealed interface Entry permits AuditTicket, Flush, SwitchFile { }

    /** A flush request. */
    record Flush(CompletableFuture<Void> done) implements Entry { }

    /** A request to write every later line to {@code file}. */
    record SwitchFile(Path file, CompletableFuture<Void> done) implements Entry { }
}
