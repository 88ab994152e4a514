package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.Lookup;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.crypto.Binding;
import io.runagents.ingress.tokenstore.crypto.Decryption;
import io.runagents.ingress.tokenstore.crypto.TokenCipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Encrypts the columns of a row for that row, and decrypts a row's columns into a {@link Lookup}: the first column
 * that fails decides the outcome. Remembers the key ids rows named that the key ring lacks, for health.
 */
final class Sealer {

    private static final Logger log = LoggerFactory.getLogger(Sealer.class);

    private final TokenCipher cipher;
    private final Set<String> missingKeyIds = ConcurrentHashMap.newKeySet();

    Sealer(TokenCipher cipher) {
        this.cipher = cipher;
    }

    String writeKeyId() {
        return cipher.ring().writeKeyId();
    }

    byte[] seal(Binding.Purpose purpose, GrantKey key, Secret value) {
        return value == null ? null : cipher.seal(new Binding(purpose, key), value);
    }

    /** Starts decrypting one row of {@code kind} ({@code grant}, {@code pending consent}, ...) of {@code key}. */
    Row row(String kind, GrantKey key) {
        return new Row(kind, key);
    }

    /** Notes key ids that stored rows name (from the start-up scan); the ones the ring lacks count as missing. */
    void noteStoredKeyIds(Collection<String> ids) {
        for (String id : ids) {
            if (!cipher.ring().ids().contains(id)) {
                keyMissing(id);
            }
        }
    }

    /** The missing key ids seen so far, sorted. */
    Set<String> missingKeyIds() {
        return new TreeSet<>(missingKeyIds);
    }

    private void keyMissing(String keyId) {
        if (missingKeyIds.add(keyId)) {
            log.error("token store rows are encrypted with key id '{}', which the key ring does not hold: their "
                    + "calls answer 503 token_key_missing until the key is configured again", keyId);
        }
    }

    /** The decryption of one row's columns. Not thread-safe; one per row read. */
    final class Row {
        private final String kind;
        private final GrantKey key;
        private Lookup<?> failure;
        private String keyId;

        private Row(String kind, GrantKey key) {
            this.kind = kind;
            this.key = key;
        }

        /** The plaintext of {@code ciphertext}, or null when it is null or this row already failed. */
        Secret open(Binding.Purpose purpose, byte[] ciphertext) {
            if (ciphertext == null || failure != null) {
                return null;
            }
            Decryption d = cipher.open(new Binding(purpose, key), ciphertext);
            if (d instanceof Decryption.Opened opened) {
                keyId = keyId == null ? opened.keyId() : keyId;
                return opened.plaintext();
            }
            if (d instanceof Decryption.KeyMissing missing) {
                keyMissing(missing.keyId());
                failure = new Lookup.KeyMissing<>(missing.keyId());
            } else {
                log.warn("a {} of provider {} user {} tool {} does not decrypt ({}): treated as absent", kind,
                        key.provider(), key.userId(), key.tool(), ((Decryption.Failed) d).reason());
                failure = Lookup.undecryptable();
            }
            return null;
        }

        /** The key id the row's first column was sealed with. */
        String keyId() {
            return keyId;
        }

        /** The row's failure, or {@code build}'s value. */
        @SuppressWarnings("unchecked")
        <T> Lookup<T> result(Supplier<T> build) {
            return failure != null ? (Lookup<T>) failure : new Lookup.Found<>(build.get());
        }
    }
}
