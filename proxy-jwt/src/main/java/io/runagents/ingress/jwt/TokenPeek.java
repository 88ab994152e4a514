package io.runagents.ingress.jwt;

import io.runagents.ingress.jwt.verify.CompactToken;
import io.runagents.ingress.jwt.verify.StrictJson;

import java.util.Map;
import java.util.Optional;

/**
 * Reads a claim before verification, only to choose which provider verifies the token (several providers may
 * serve one host; the token's {@code iss} picks one). The value is untrusted: the chosen provider's verification
 * checks {@code iss} again.
 */
public final class TokenPeek {

    /** Callers check {@code maxTokenBytes} first; this bound only keeps a forgetful caller cheap. */
    static final int MAX_PEEK_CHARS = 64 * 1024;

    private TokenPeek() {
    }

    /** The unverified {@code iss} of a strict compact JWS, or empty when the token is not one or has no string iss. */
    public static Optional<String> issuer(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_PEEK_CHARS) {
            return Optional.empty();
        }
        CompactToken compact = CompactToken.parse(token);
        if (compact == null) {
            return Optional.empty();
        }
        byte[] payload = compact.payload();
        if (payload == null) {
            return Optional.empty();
        }
        try {
            Map<String, Object> claims = StrictJson.parseObject(payload);
            return claims.get("iss") instanceof String iss ? Optional.of(iss) : Optional.empty();
        } catch (StrictJson.JsonException e) {
            return Optional.empty();
        }
    }
}
