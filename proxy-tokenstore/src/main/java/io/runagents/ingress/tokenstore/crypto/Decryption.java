package io.runagents.ingress.tokenstore.crypto;

import io.runagents.ingress.tokenstore.Secret;

import java.util.Objects;

/** What {@link TokenCipher#open} gave: the plaintext, or why not. Never an exception. */
public sealed interface Decryption permits Decryption.Opened, Decryption.KeyMissing, Decryption.Failed {

    /** The ciphertext authenticated under key {@code keyId}. */
    record Opened(Secret plaintext, String keyId) implements Decryption {
        public Opened {
            Objects.requireNonNull(plaintext, "plaintext");
            Objects.requireNonNull(keyId, "keyId");
        }
    }

    /** The ciphertext names a key id the ring lacks. */
    record KeyMissing(String keyId) implements Decryption {
        public KeyMissing {
            Objects.requireNonNull(keyId, "keyId");
        }
    }

    /**
     * The ciphertext is malformed or failed authentication: tampered with, moved to another row or column, or
     * sealed with a different key under the same id.
     *
     * @param reason for logs: {@code malformed} or {@code authentication failed}
     */
    record Failed(String reason) implements Decryption {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
