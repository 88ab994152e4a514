package io.runagents.ingress.core.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.util.Base64URL;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.verify.CompactToken;
import io.runagents.ingress.jwt.verify.StrictJson;
import io.runagents.ingress.jwt.verify.TokenScopes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks an {@code X-End-User-Context} at the egress, read with the same strict compact-JWS reader as user tokens
 * ({@link CompactToken}, {@link StrictJson}: canonical base64url, duplicate names refused): ES256, signed by a
 * key the {@link ContextKeyring} accepts (its {@code kid}), no {@code crit}, {@code iss} the proxy's, an
 * {@code aud} naming the agent, {@code sub}, {@code idp} and {@code jti}, not expired, not issued in the future.
 * Verified contexts are cached until their {@code exp}, so an agent's many tool calls with one context cost one
 * signature check.
 */
public final class IdentityContextVerifier {
    private static final int MAX_LENGTH = 16 * 1024;
    private static final long CLOCK_SKEW_SECONDS = 5;
    /** What the signature check needs of the header, which the strict reader has already checked. */
    private static final JWSHeader ES256 = new JWSHeader(JWSAlgorithm.ES256);

    /**
     * A verified context.
     *
     * @param user the user it was signed for, with the scopes of their token
     * @param agent its {@code aud}: the agent it was handed to (the caller checks it is a configured one)
     * @param id its {@code jti}
     */
    public record VerifiedContext(AuthResult.Authenticated user, String agent, String id) { }

    private final ContextKeyring keys;
    private final Clock clock;
    private final Cache<String, VerifiedContext> cache;

    /**
     * Accepts contexts signed by any key {@code keys} accepts at the time of the check (rotations included).
     *
     * @param maxEntries bounds the cache of verified contexts (the proxy passes {@code tokenCache.maxEntries})
     * @param ticker the cache's time, the same as {@code clock}'s (tests move both)
     */
    public IdentityContextVerifier(ContextKeyring keys, Clock clock, long maxEntries, Ticker ticker) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: >= 0)");
        }
        this.keys = keys;
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(ticker)
                .expireAfter(Expiry.<String, VerifiedContext>creating((token, ctx) ->
                        java.time.Duration.between(clock.instant(), ctx.user().expiresAt())))
                .build();
    }

    /** With the system clock and a cache of 100,000 contexts. */
    public IdentityContextVerifier(ContextKeyring keys, Clock clock) {
        this(keys, clock, 100_000, Ticker.systemTicker());
    }

    /** The verified context, or null when {@code token} is missing, malformed, forged or expired. */
    public VerifiedContext verify(String token) {
        if (token == null || token.length() > MAX_LENGTH) {
            return null;
        }
        VerifiedContext cached = cache.getIfPresent(token);
        Instant now = clock.instant();
        if (cached != null) {
            return cached.user().expiresAt().isAfter(now) ? cached : null;
        }
        VerifiedContext verified = verifyUncached(token, now);
        if (verified != null) {
            cache.put(token, verified);
        }
        return verified;
    }

    private VerifiedContext verifyUncached(String token, Instant now) {
        CompactToken compact = CompactToken.parse(token);
        if (compact == null) {
            return null;
        }
        try {
            Map<String, Object> header = object(compact.header());
            Map<String, Object> claims = object(compact.payload());
            if (header == null || claims == null || !"ES256".equals(header.get("alg")) || header.containsKey("crit")
                    || !(header.get("kid") instanceof String keyId)) {
                return null;
            }
            JWSVerifier verifier = keys.verifierFor(keyId);
            if (verifier == null
                    || !verifier.verify(ES256, compact.signingInput(), new Base64URL(compact.signature()))) {
                return null;
            }
            return contextOf(claims, keyId, now);
        } catch (JOSEException | RuntimeException e) {
            return null;
        }
    }

    private VerifiedContext contextOf(Map<String, Object> claims, String keyId, Instant now) {
        long exp = seconds(claims.get("exp"));
        long iat = seconds(claims.get("iat"));
        if (exp < 0 || iat < 0 || exp <= now.getEpochSecond() || iat > now.getEpochSecond() + CLOCK_SKEW_SECONDS
                || !keys.issuer().equals(claims.get("iss"))
                || !(claims.get("aud") instanceof String agent) || !(claims.get("sub") instanceof String sub)
                || !(claims.get("idp") instanceof String idp) || !(claims.get("jti") instanceof String id)) {
            return null;
        }
        Object email = claims.get("email");
        List<String> groups = strings(claims.get("groups"));
        List<String> scopes = claims.containsKey("scope") ? TokenScopes.of(Map.of("scope", claims.get("scope")))
                : List.of();
        if ((email != null && !(email instanceof String)) || groups == null || scopes == null) {
            return null;
        }
        AuthResult.Authenticated user = new AuthResult.Authenticated(sub, (String) email, groups, scopes, idp,
                Instant.ofEpochSecond(exp), Map.of(), keyId);
        return new VerifiedContext(user, agent, id);
    }

    private static Map<String, Object> object(byte[] json) {
        if (json == null) {
            return null;
        }
        try {
            return StrictJson.parseObject(json);
        } catch (StrictJson.JsonException e) {
            return null;
        }
    }

    /** An integral NumericDate, or -1. */
    private static long seconds(Object value) {
        return value instanceof Long l && l >= 0 ? l : -1;
    }

    /** The strings of a JSON array (absent: none), or null when it is something else. */
    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            return null;
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof String s)) {
                return null;
            }
            out.add(s);
        }
        return out;
    }
}
