package io.runagents.ingress.core.audit;

import static io.runagents.ingress.core.audit.AuditFixtures.record;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Threads offering records the way a connection does: when an offer parks, the producer stops until
 * one of its callbacks runs (as a channel stops reading), which is what keeps parked records bounded.
 */
final class Producers {
    private static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    final AtomicInteger parked = new AtomicInteger();
    final AtomicInteger resumed = new AtomicInteger();
    /** Parked offers that found no room in time (the request would have been refused). */
    final AtomicInteger timedOut = new AtomicInteger();
    final AtomicLong slowestOfferNanos = new AtomicLong();
    /** Offers that took 5 ms or more by the wall clock. */
    final AtomicInteger slowOffers = new AtomicInteger();
    final Set<String> callbackThreads = ConcurrentHashMap.newKeySet();

    private Producers() { }

    /** Called by a producer before it offers its {@code seq}th record; lets a test line events up with offers. */
    @FunctionalInterface
    interface Pace {
        Pace NONE = (producer, seq) -> { };

        void beforeOffer(int producer, int seq) throws InterruptedException;
    }

    /** Runs {@code producers} threads offering {@code each} records, and waits for them to finish. */
    static Producers run(AuditLog log, int producers, int each, ScheduledExecutorService callbacks)
            throws InterruptedException {
        return run(log, producers, each, callbacks, Pace.NONE);
    }

    /** Like {@link #run(AuditLog, int, int, ScheduledExecutorService)}, calling {@code pace} before each offer. */
    static Producers run(AuditLog log, int producers, int each, ScheduledExecutorService callbacks, Pace pace)
            throws InterruptedException {
        Producers stats = new Producers();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads[p] = new Thread(() -> stats.produce(log, producer, each, callbacks, pace, start), "producer-" + p);
            threads[p].start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        return stats;
    }

    private void produce(AuditLog log, int producer, int each, ScheduledExecutorService callbacks, Pace pace,
                         CountDownLatch start) {
        Semaphore resume = new Semaphore(0);
        Runnable onAccepted = () -> {
            callbackThreads.add(Thread.currentThread().getName());
            resumed.incrementAndGet();
            resume.release();
        };
        Runnable onTimedOut = () -> {
            timedOut.incrementAndGet();
            resume.release();
        };
        try {
            start.await();
            for (int seq = 0; seq < each; seq++) {
                pace.beforeOffer(producer, seq);
                AuditRecord r = record(producer, seq);
                long t0 = System.nanoTime();
                boolean accepted = !log.offer(r, callbacks, onAccepted, onTimedOut).parked();
                long nanos = System.nanoTime() - t0;
                slowestOfferNanos.accumulateAndGet(nanos, Math::max);
                if (nanos >= SLOW_NANOS) {
                    slowOffers.incrementAndGet();
                }
                if (!accepted) {
                    parked.incrementAndGet();
                    resume.acquire(); // the connection stops reading until the log has room
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
