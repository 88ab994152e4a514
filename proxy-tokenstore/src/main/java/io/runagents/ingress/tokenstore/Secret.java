package io.runagents.ingress.tokenstore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A value that must never reach a log, an audit line or an exception message: an access or refresh token, a PKCE
 * verifier, an OAuth {@code state}, a consent code, a password, a key. {@link #toString()} is redacted, so a secret
 * that slips into a log statement or a record's {@code toString} shows as {@code ***}. The value is read only
 * through {@link #reveal()}, which makes every use easy to find.
 *
 * <p>Tokens arrive as {@code String}s from JSON parsing, so wiping memory is not attempted; the point is that no
 * code path prints one by accident.
 */
public final class Secret {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL_ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** Wraps {@code value}, which must be non-empty. */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("value: empty (expected: at least one character)");
        }
        return new Secret(value);
    }

    /**
     * {@code bytes} random bytes from {@link SecureRandom}, base64url without padding: 32 bytes make a 256-bit
     * {@code state} and a 43-character PKCE verifier (RFC 7636 section 4.1).
     */
    public static Secret random(int bytes) {
        if (bytes < 16) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 16)");
        }
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return new Secret(URL_ENCODER.encodeToString(b));
    }

    /** The value itself. Callers put it on the wire or into a cipher, never into a log. */
    public String reveal() {
        return value;
    }

    /** The SHA-256 of the UTF-8 value: how states and consent codes are stored and looked up. */
    public byte[] sha256() {
        return sha256(value.getBytes(StandardCharsets.UTF_8));
    }

    /** The PKCE S256 challenge of this verifier: base64url(SHA-256(ASCII(verifier))), RFC 7636 section 4.2. */
    public String s256Challenge() {
        return URL_ENCODER.encodeToString(sha256(value.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * What a log line may say about this secret: {@code sha256:} plus the first 8 bytes of its digest in hex.
     * Enough to correlate lines about one token, useless for replaying it. Only for high-entropy secrets (tokens,
     * states, codes), never for passwords.
     */
    public String fingerprint() {
        return "sha256:" + HexFormat.of().formatHex(sha256(), 0, 8);
    }

    /** Compares in time independent of where the values differ. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** Always {@code ***}. */
    @Override
    public String toString() {
        return "***";
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    }
}
