package io.runagents.ingress.jwt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What logs say instead of a token: the first 8 bytes of its SHA-256, in hex. Enough to correlate lines about one
 * token, useless for replaying it.
 */
public final class TokenFingerprint {

    private TokenFingerprint() {
    }

    /** {@code sha256:} plus 16 hex digits; {@code none} for a null token. */
    public static String of(String token) {
        if (token == null) {
            return "none";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    }
}
