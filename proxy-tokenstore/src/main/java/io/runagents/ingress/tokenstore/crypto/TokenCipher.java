package io.runagents.ingress.tokenstore.crypto;

import io.runagents.ingress.tokenstore.Secret;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * AES-256-GCM for the secrets the token store keeps. A ciphertext is self-describing, so rows written under an
 * older key stay readable after a rotation:
 * <pre>
 *   byte  0       format version (1)
 *   byte  1       n = length of the key id (1..32)
 *   bytes 2..n+1  key id, ASCII
 *   12 bytes      random nonce (a fresh one per encryption)
 *   the rest      ciphertext and 16-byte tag
 * </pre>
 * The associated data is the header (version and key id, so neither can be altered) followed by the
 * {@link Binding}. Thread-safe.
 */
public final class TokenCipher {

    private static final byte FORMAT_V1 = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private final KeyRing ring;
    private final SecureRandom random = new SecureRandom();

    /** A cipher over {@code ring}. */
    public TokenCipher(KeyRing ring) {
        this.ring = Objects.requireNonNull(ring, "ring");
    }

    /** The key ring. */
    public KeyRing ring() {
        return ring;
    }

    /** Encrypts {@code plaintext} for {@code binding} with the ring's first key. */
    public byte[] seal(Binding binding, Secret plaintext) {
        byte[] header = header(ring.writeKeyId());
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, ring.writeKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(binding.associatedData(header));
            byte[] sealed = cipher.doFinal(plaintext.reveal().getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(header, header.length + NONCE_BYTES + sealed.length);
            System.arraycopy(nonce, 0, out, header.length, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, header.length + NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required of every JRE", e);
        }
    }

    /** Decrypts {@code ciphertext} sealed for {@code binding}. */
    public Decryption open(Binding binding, byte[] ciphertext) {
        Optional<String> keyId = keyIdOf(ciphertext);
        if (keyId.isEmpty() || ciphertext.length < 2 + keyId.get().length() + NONCE_BYTES + TAG_BITS / 8) {
            return new Decryption.Failed("malformed");
        }
        Optional<SecretKey> key = ring.key(keyId.get());
        if (key.isEmpty()) {
            return new Decryption.KeyMissing(keyId.get());
        }
        int headerLength = 2 + keyId.get().length();
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key.get(),
                    new GCMParameterSpec(TAG_BITS, ciphertext, headerLength, NONCE_BYTES));
            cipher.updateAAD(binding.associatedData(Arrays.copyOf(ciphertext, headerLength)));
            byte[] plain = cipher.doFinal(ciphertext, headerLength + NONCE_BYTES,
                    ciphertext.length - headerLength - NONCE_BYTES);
            String value = new String(plain, StandardCharsets.UTF_8);
            Arrays.fill(plain, (byte) 0);
            return value.isEmpty()
                    ? new Decryption.Failed("malformed")
                    : new Decryption.Opened(Secret.of(value), keyId.get());
        } catch (AEADBadTagException e) {
            return new Decryption.Failed("authentication failed");
        } catch (GeneralSecurityException e) {
            return new Decryption.Failed("malformed");
        }
    }

    /** The key id a ciphertext names, if it has a well-formed version 1 header. */
    public static Optional<String> keyIdOf(byte[] ciphertext) {
        if (ciphertext == null || ciphertext.length < 3 || ciphertext[0] != FORMAT_V1) {
            return Optional.empty();
        }
        int n = ciphertext[1];
        if (n < 1 || n > 32 || ciphertext.length < 2 + n) {
            return Optional.empty();
        }
        String id = new String(ciphertext, 2, n, StandardCharsets.US_ASCII);
        return KeyRing.KEY_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    private static byte[] header(String keyId) {
        byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
        byte[] header = new byte[2 + id.length];
        header[0] = FORMAT_V1;
        header[1] = (byte) id.length;
        System.arraycopy(id, 0, header, 2, id.length);
        return header;
    }
}
