package io.runagents.ingress.core.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A gate a stub server's requests wait at while a test holds it closed (a slow or hung endpoint without
 * sleeping), with the count of those waiting so the test can see them arrive. Thread-safe.
 */
final class RequestGate {
    private final AtomicReference<CountDownLatch> closed = new AtomicReference<>();
    private final AtomicInteger waiting = new AtomicInteger();

    /** Requests that pass from now on wait until {@link #open()}. */
    void close() {
        closed.compareAndSet(null, new CountDownLatch(1));
    }

    /** Lets every waiting request go on. */
    void open() {
        CountDownLatch latch = closed.getAndSet(null);
        if (latch != null) {
            latch.countDown();
        }
    }

    /** Waits while the gate is closed; {@code closeFirst} closes it for this request if it is open. */
    void pass(boolean closeFirst) {
        CountDownLatch latch = closeFirst ? closed.updateAndGet(l -> l != null ? l : new CountDownLatch(1))
                : closed.get();
        if (latch == null) {
            return;
        }
        waiting.incrementAndGet();
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            waiting.decrementAndGet();
        }
    }

    int waiting() {
        return waiting.get();
    }
}
