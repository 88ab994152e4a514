package io.runagents.ingress.jwt;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the proxy derives from one verified token and keeps as long as the token's verified-token cache entry:
 * the identity context it signed for each agent, so that a cache hit forwards finished header bytes. Dropping
 * the cache entry (the token expired, its key left the JWKS, its provider changed) drops these with it.
 *
 * <p>Thread-safe and small: most tokens are used with one or two agents, so the values are an immutable list
 * replaced by compare-and-set. It carries nothing of the token's identity: two {@link AuthResult.Authenticated}
 * with equal claims are equal whatever they memoised.
 */
public final class TokenMemo {
    private record Entry(String key, Object value, Entry next) { }

    private final AtomicReference<Entry> head = new AtomicReference<>();

    /** The value kept under {@code key}, or null. Allocation-free: it runs on every request of a cached token. */
    public Object get(String key) {
        for (Entry e = head.get(); e != null; e = e.next()) {
            if (e.key().equals(key)) {
                return e.value();
            }
        }
        return null;
    }

    /**
     * Keeps {@code value} under {@code key}, replacing what was there. Concurrent callers may each put a value;
     * the last one wins, which is harmless for values derived from the token.
     */
    public void put(String key, Object value) {
        Objects.requireNonNull(key, "key");
        head.updateAndGet(current -> new Entry(key, value, without(current, key)));
    }

    private static Entry without(Entry list, String key) {
        if (list == null) {
            return null;
        }
        Entry rest = without(list.next(), key);
        return list.key().equals(key) ? rest : rest == list.next() ? list : new Entry(list.key(), list.value(), rest);
    }

    /** Memos are not part of a result's value. */
    @Override
    public boolean equals(Object other) {
        return other instanceof TokenMemo;
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return "TokenMemo";
    }
}
