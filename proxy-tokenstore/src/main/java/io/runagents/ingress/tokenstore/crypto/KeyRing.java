package io.runagents.ingress.tokenstore.crypto;

import io.runagents.ingress.tokenstore.Secret;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The token encryption keys: {@code id:base64key} entries separated by commas, as the environment variable named by
 * {@code tokenStore.encryptionKeyEnv} holds them. The first key encrypts every new ciphertext; every key decrypts
 * the ciphertexts that name its id (key rotation: put the new key first, keep the old ones until every row was
 * rewritten). Keys are AES-256 keys: 32 bytes, in standard or URL-safe base64.
 *
 * <p>Error messages name an entry by its position or id, never by its content (which may be a key).
 */
public final class KeyRing {

    /** Key ids are short printable tokens: they are stored in every ciphertext. */
    public static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,32}");

    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String writeKeyId;
    private final Map<String, SecretKey> keys;

    private KeyRing(Map<String, SecretKey> keys) {
        this.writeKeyId = keys.keySet().iterator().next();
        this.keys = keys;
    }

    /** Parses {@code spec}; throws {@link IllegalArgumentException} saying which entry is wrong and how. */
    public static KeyRing parse(Secret spec) {
        String[] entries = spec.reveal().split(",", -1);
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            int colon = entry.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("encryption key entry " + (i + 1) + " of " + entries.length
                        + ": no ':' (expected: id:base64key)");
            }
            String id = entry.substring(0, colon).strip();
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("encryption key entry " + (i + 1) + ": its id is not 1 to 32 of "
                        + "A-Z a-z 0-9 . _ - (expected: id:base64key)");
            }
            if (keys.containsKey(id)) {
                throw new IllegalArgumentException("encryption key '" + id + "': listed twice (expected: unique ids)");
            }
            keys.put(id, new SecretKeySpec(decode(id, entry.substring(colon + 1).strip()), "AES"));
        }
        return new KeyRing(keys);
    }

    /** A spec with one new random key named {@code id}, as {@link KeyFile} writes it. */
    public static Secret generateSpec(String id) {
        if (!KEY_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("id: '" + id + "' (expected: " + KEY_ID.pattern() + ")");
        }
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return Secret.of(id + ":" + Base64.getEncoder().encodeToString(key));
    }

    /** The id of the key new ciphertexts are written with. */
    public String writeKeyId() {
        return writeKeyId;
    }

    /** Every configured id, the write key's first. */
    public Set<String> ids() {
        return keys.keySet();
    }

    SecretKey writeKey() {
        return keys.get(writeKeyId);
    }

    Optional<SecretKey> key(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    @Override
    public String toString() {
        return "KeyRing" + keys.keySet();
    }

    private static byte[] decode(String id, String base64) {
        byte[] key;
        try {
            key = (base64.indexOf('-') >= 0 || base64.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder())
                    .decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("encryption key '" + id + "': not base64 (expected: id:base64key)");
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("encryption key '" + id + "': " + key.length + " bytes (expected: "
                    + KEY_BYTES + ", e.g. openssl rand -base64 32)");
        }
        return key;
    }
}
