package io.runagents.ingress.core.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.runagents.ingress.jwt.AuthResult;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks an {@code X-End-User-Context} at the egress: strict compact ES256 JWS, signed by this proxy's
 * key (its {@code kid}), not expired, issued not in the future, with the claims the ingress writes.
 * Verified contexts are cached until their {@code exp}, so an agent's many tool calls for one request
 * cost one signature check.
 */
public final class IdentityContextVerifier {
    private static final Pattern COMPACT = Pattern.compile("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$");
    private static final int MAX_LENGTH = 16 * 1024;
    private static final long CLOCK_SKEW_SECONDS = 5;

    /** A verified context: the user (as an {@link AuthResult.Authenticated}) and the ingress request id. */
    public record VerifiedContext(AuthResult.Authenticated user, String requestId) { }

    private final ContextKeyring keys;
    private final Clock clock;
    private final Cache<String, VerifiedContext> cache;

    /** Accepts contexts signed by {@code key} only. */
    public IdentityContextVerifier(ContextSigningKey key, Clock clock) {
        this(new ContextKeyring(key, clock), clock);
    }

    /** Accepts contexts signed by any key {@code keys} accepts at the time of the check (rotations included). */
    public IdentityContextVerifier(ContextKeyring keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfter(Expiry.<String, VerifiedContext>creating((token, ctx) ->
                        java.time.Duration.between(clock.instant(), ctx.user().expiresAt())))
                .build();
    }

    /** The verified context, or null when {@code token} is missing, malformed, forged or expired. */
    public VerifiedContext verify(String token) {
        if (token == null || token.length() > MAX_LENGTH || !COMPACT.matcher(token).matches()) {
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
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            String keyId = jwt.getHeader().getKeyID();
            JWSVerifier verifier = keys.verifierFor(keyId);
            if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())
                    || verifier == null
                    || jwt.getHeader().getCriticalParams() != null
                    || !jwt.verify(verifier)) {
                return null;
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date exp = claims.getExpirationTime();
            Date iat = claims.getIssueTime();
            String sub = claims.getStringClaim("sub");
            String idp = claims.getStringClaim("idp");
            String rid = claims.getStringClaim("rid");
            if (exp == null || !exp.toInstant().isAfter(now) || sub == null || idp == null || rid == null
                    || (iat != null && iat.toInstant().isAfter(now.plusSeconds(CLOCK_SKEW_SECONDS)))) {
                return null;
            }
            List<String> groups = claims.getStringListClaim("groups");
            AuthResult.Authenticated user = new AuthResult.Authenticated(sub, claims.getStringClaim("email"),
                    groups == null ? List.of() : groups, idp, exp.toInstant(), Map.of(), keyId);
            return new VerifiedContext(user, rid);
        } catch (ParseException | JOSEException | RuntimeException e) {
            return null;
        }
    }
}
