package io.runagents.ingress.jwt.cache;

import io.runagents.ingress.jwt.AuthResult.Authenticated;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A small direct-mapped front of the verified-token cache, for the tokens of the last few requests: a hit is an
 * array read, the whole-token comparison and a clock read, where Caffeine's bounded, expiring read also records
 * the access in its read buffer, drains it now and then and reads its ticker (issue 15: that bookkeeping was most
 * of the cache hit's cost). Entries are immutable and carry their own deadline, the one the Caffeine entry has
 * ({@code min(exp, cached + cap)}), so the front never answers later than the cache would.
 *
 * <p>Invalidation ends every front entry at once: each entry carries the {@linkplain #epoch() epoch} read before
 * its value was looked up or verified, and {@link #invalidateAll()} moves the epoch on after the cache itself
 * dropped the entries. A value read from the cache before a drop carries the old epoch, so it is never answered
 * after the drop.
 */
final class RecentTokens {
    /** Slots: enough for the distinct tokens of a busy moment, few enough to stay in L2. A power of two. */
    static final int SLOTS = 256;
    private static final int HASHED_TAIL = 16;

    private record Entry(long generation, String token, Authenticated value, long deadlineMillis, long epoch) { }

    private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);
    private final AtomicLong epoch = new AtomicLong();

    /** The epoch to give {@link #remember}, read before the value is looked up or verified. */
    long epoch() {
        return epoch.get();
    }

    /** The remembered value for this token and generation while it is live at {@code nowMillis}, or null. */
    Authenticated get(long generation, String token, long nowMillis) {
        Entry e = slots.getAcquire(slot(token));
        if (e == null || e.generation != generation || e.epoch != epoch.get() || nowMillis >= e.deadlineMillis
                || !e.token.equals(token)) {
            return null;
        }
        return e.value;
    }

    /** Remembers {@code value} until {@code deadlineMillis}, replacing whatever held its slot. */
    void remember(long generation, String token, Authenticated value, long deadlineMillis, long readEpoch) {
        slots.setRelease(slot(token), new Entry(generation, token, value, deadlineMillis, readEpoch));
    }

    /** Ends every entry: called after the cache dropped entries, so none of them is answered from here. */
    void invalidateAll() {
        epoch.incrementAndGet();
    }

    /**
     * The slot of a token: the hash of its last characters, its signature's (a verified token's signature cannot
     * be chosen, so tokens spread evenly), without walking the ~800 characters a new request's String holds.
     */
    private static int slot(String token) {
        int h = 0;
        for (int i = Math.max(0, token.length() - HASHED_TAIL); i < token.length(); i++) {
            h = 31 * h + token.charAt(i);
        }
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }
}
