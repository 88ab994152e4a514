package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.TokenStoreUnavailableException;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock per key, held only while someone uses it. Callers of one store waiting to refresh the same grant queue
 * here, holding no pooled connection, instead of each holding one while it waits for the row lock: fifty callers
 * of one grant would otherwise take every connection of the pool.
 */
final class KeyedLocks<K> {

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock(true);
        volatile int users; // changed only inside the map's compute; volatile for users(), which reads outside it
    }

    private final ConcurrentHashMap<K, Entry> locks = new ConcurrentHashMap<>();

    /** Runs {@code work} holding the lock of {@code key}, waiting for it at most {@code timeout}. */
    <T> T withLock(K key, Duration timeout, String what, Supplier<T> work) {
        Entry entry = locks.compute(key, (k, e) -> {
            Entry held = e == null ? new Entry() : e;
            held.users++;
            return held;
        });
        try {
            if (!entry.lock.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TokenStoreUnavailableException("token store: " + what + " still in progress after "
                        + timeout.toMillis() + " ms", null);
            }
            try {
                return work.get();
            } finally {
                entry.lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenStoreUnavailableException("token store: interrupted waiting for " + what, e);
        } finally {
            locks.computeIfPresent(key, (k, e) -> --e.users == 0 ? null : e);
        }
    }

    /** How many callers hold or wait for the lock of {@code key} (for tests). */
    int users(K key) {
        Entry e = locks.get(key);
        return e == null ? 0 : e.users;
    }

    /** How many keys are in use (for tests: entries do not outlive their users). */
    int size() {
        return locks.size();
    }
}
