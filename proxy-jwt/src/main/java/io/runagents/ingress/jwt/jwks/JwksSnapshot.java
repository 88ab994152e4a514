package io.runagents.ingress.jwt.jwks;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable key set as fetched at one moment. Requests look keys up here by {@code kid}; nothing on the request
 * path parses or converts keys.
 *
 * @param fetchedAt when the document was fetched (from the persisted copy: when an earlier process fetched it)
 * @param refreshAt when the engine should fetch again ({@code Cache-Control: max-age} within bounds)
 * @param usableUntil after this the keys are too stale to trust ({@code maxStaleSeconds})
 */
public record JwksSnapshot(List<VerificationKey> keys, Instant fetchedAt, Instant refreshAt, Instant usableUntil) {

    /** No keys: before the first fetch, or after the last good set went stale. */
    public static final JwksSnapshot EMPTY = new JwksSnapshot(List.of(), Instant.EPOCH, Instant.EPOCH, Instant.EPOCH);

    public JwksSnapshot {
        keys = List.copyOf(keys);
    }

    /** The key with this {@code kid}, or null. */
    public VerificationKey byKid(String kid) {
        for (VerificationKey k : keys) { // a JWKS holds a handful of keys: a scan beats hashing
            if (kid.equals(k.kid())) {
                return k;
            }
        }
        return null;
    }

    /** True when a key with this {@link VerificationKey#id()} is in the set. */
    public boolean containsId(String id) {
        for (VerificationKey k : keys) {
            if (id.equals(k.id())) {
                return true;
            }
        }
        return false;
    }

    /** True when there is at least one key. */
    public boolean hasKeys() {
        return !keys.isEmpty();
    }

    /** A copy with other timing (the keys are shared, not reconverted). */
    public JwksSnapshot withTimes(Instant fetchedAt, Instant refreshAt, Instant usableUntil) {
        return new JwksSnapshot(keys, fetchedAt, refreshAt, usableUntil);
    }

    /**
     * The ids of keys in {@code previous} that are not in this set with the same material: tokens they signed
     * must leave the verified-token cache.
     */
    public Set<String> removedSince(JwksSnapshot previous) {
        Map<String, VerificationKey> now = new LinkedHashMap<>();
        for (VerificationKey k : keys) {
            now.put(k.id(), k);
        }
        Set<String> removed = new HashSet<>();
        for (VerificationKey old : previous.keys) {
            VerificationKey current = now.get(old.id());
            if (current == null || !current.sameMaterial(old)) {
                removed.add(old.id());
            }
        }
        return removed;
    }
}
