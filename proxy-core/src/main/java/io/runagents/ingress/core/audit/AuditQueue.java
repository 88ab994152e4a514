package io.runagents.ingress.core.audit;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The many-producers, one-consumer FIFO between callers and the audit writer. Lock-free on the
 * producer side, so an event loop is never held up by the writer, even one descheduled mid-batch.
 *
 * <p>Accepted and parked records travel in the same queue; "parked" is only a mark saying the
 * producer was asked to pause and must be resumed when the consumer takes the record. That is what
 * keeps order without a lock: nothing can overtake a parked record, because there is no second list.
 */
final class AuditQueue {
    private final int capacity;
    private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();
    // Entries counted in by producers and not yet taken. Producers count in *before* reading `closed`,
    // so once the consumer sees `closed`, pending also covers every producer that got past the check.
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger parked = new AtomicInteger();
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

    /** Adds a record: true when accepted, false when parked (the callback is kept for the consumer). */
    boolean offer(AuditRecord record, Executor callbackExecutor, Runnable onAccepted) {
        int ahead = countIn();
        // While anything is parked, park too: the pause must reach every producer, not only the unlucky.
        boolean accepted = ahead < capacity && parked.get() == 0;
        if (accepted) {
            entries.add(new Line(record, null, null));
        } else {
            parked.incrementAndGet();
            entries.add(new Line(record, callbackExecutor, onAccepted));
        }
        if (!accepted || ahead >= capacity / 2) {
            LockSupport.unpark(consumer); // a caller waits for room, or room runs short: no lingering
        } else {
            wakeConsumer();
        }
        return accepted;
    }

    /** Adds a marker the consumer completes once everything before it is on disk. */
    void offerFlush(CompletableFuture<Void> done) {
        countIn();
        entries.add(new Flush(done));
        LockSupport.unpark(consumer);
    }

    /** Adds a marker after which the consumer writes to {@code file}; it completes {@code done} once it has. */
    void offerSwitch(Path file, CompletableFuture<Void> done) {
        countIn();
        entries.add(new SwitchFile(file, done));
        LockSupport.unpark(consumer);
    }

    /** Consumer: the next entry, or null when none is there yet. */
    Entry poll() {
        Entry entry = entries.poll();
        if (entry != null) {
            emptyWaits = 0;
            if (entry instanceof Line line && line.parked()) {
                parked.decrementAndGet();
            }
            pending.decrementAndGet();
        }
        return entry;
    }

    /** Consumer: true once closed and every entry offered before closing has been taken. */
    boolean finished() {
        return closed && pending.get() == 0;
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
        if (entries.isEmpty() && !closed) {
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

    int queued() {
        return Math.max(0, pending.get() - parked.get());
    }

    int parked() {
        return parked.get();
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
    sealed interface Entry permits Line, Flush, SwitchFile { }

    /** A record; the executor and callback are set only when the producer was asked to pause. */
    record Line(AuditRecord record, Executor callbackExecutor, Runnable onAccepted) implements Entry {
        boolean parked() {
            return onAccepted != null;
        }
    }

    /** A flush request. */
    record Flush(CompletableFuture<Void> done) implements Entry { }

    /** A request to write every later line to {@code file}. */
    record SwitchFile(Path file, CompletableFuture<Void> done) implements Entry { }
}
