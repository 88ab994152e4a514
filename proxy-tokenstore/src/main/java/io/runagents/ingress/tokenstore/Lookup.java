package io.runagents.ingress.tokenstore;

import java.util.Objects;
import java.util.Optional;

/**
 * What reading an encrypted row gave. Only {@link Found} carries a value; the three others tell the caller what to
 * answer (SPEC section 8, "Token store"):
 * <ul>
 *   <li>{@link None}: no such row (or it expired): {@code consent_required}, 400 for a state or code;</li>
 *   <li>{@link KeyMissing}: the row is encrypted with a key id the key ring lacks: 503 {@code token_key_missing};
 *       the row is kept and {@link StoreHealth#missingKeyIds()} names the id;</li>
 *   <li>{@link Undecryptable}: the ciphertext failed authentication (tampered with, moved to another row, or a
 *       wrong key under a configured id): treated as no grant; the store has logged it.</li>
 * </ul>
 *
 * @param <T> what a row holds: {@link Grant}, {@link PendingConsent}, {@link PendingGrant}
 */
public sealed interface Lookup<T> permits Lookup.Found, Lookup.None, Lookup.KeyMissing, Lookup.Undecryptable {

    /** The value when {@link Found}, else empty. */
    default Optional<T> found() {
        return Optional.empty();
    }

    /** The row was read and decrypted. */
    record Found<T>(T value) implements Lookup<T> {
        public Found {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public Optional<T> found() {
            return Optional.of(value);
        }
    }

    /** No such row. */
    record None<T>() implements Lookup<T> {
    }

    /** The row names a key id that is not configured. */
    record KeyMissing<T>(String keyId) implements Lookup<T> {
        public KeyMissing {
            Objects.requireNonNull(keyId, "keyId");
        }
    }

    /** The row's ciphertext did not authenticate. */
    record Undecryptable<T>() implements Lookup<T> {
    }

    /** A {@link None}, typed for the caller. */
    static <T> Lookup<T> none() {
        return new None<>();
    }

    /** An {@link Undecryptable}, typed for the caller. */
    static <T> Lookup<T> undecryptable() {
        return new Undecryptable<>();
    }
}
