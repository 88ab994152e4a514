package io.runagents.ingress.jwt.verify;

import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.AuthResult.Authenticated;
import io.runagents.ingress.jwt.AuthResult.Rejected;
import io.runagents.ingress.jwt.RejectReason;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The claims half of verification (SPEC section 3): exact {@code iss}, {@code aud} as string or array,
 * {@code exp} required, {@code nbf}/{@code iat}/lifetime with skew against the injected clock, a clean user id,
 * scopes ({@link TokenScopes}), {@code allowedDomains} and {@code email_verified}, groups. Runs only on payloads whose signature verified.
 * Immutable and thread-safe.
 */
public final class ClaimsPolicy {

    /** 9999-12-31T23:59:59Z: a later NumericDate is nonsense, and millisecond arithmetic on it could overflow. */
    static final long MAX_NUMERIC_DATE = 253_402_300_799L;
    static final int MAX_USER_ID_LENGTH = 256;

    private static final Check[] CHECKS = Check.values();
    private static final Rejected MISSING_EXP = Rejected.of(RejectReason.MISSING_EXP);
    private static final Rejected EXPIRED = Rejected.of(RejectReason.EXPIRED);
    private static final Rejected ISSUER = Rejected.of(RejectReason.ISSUER);
    private static final Rejected AUDIENCE = Rejected.of(RejectReason.AUDIENCE);

    private final IdentityProvider provider;
    private final Clock clock;
    private final long skewMillis;
    private final Set<String> allowedDomains;

    public ClaimsPolicy(IdentityProvider provider, Clock clock) {
        this.provider = provider;
        this.clock = clock;
        this.skewMillis = provider.clockSkewSeconds() * 1000L;
        this.allowedDomains = provider.allowedDomains().stream()
                .map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** Checks a verified payload; {@code keyId} is recorded in the result. */
    public AuthResult evaluate(byte[] payload, String keyId) {
        Map<String, Object> claims;
        try {
            claims = StrictJson.parseObject(payload);
        } catch (StrictJson.JsonException e) {
            return e.duplicate() ? Rejected.of(RejectReason.DUPLICATE_CLAIM)
                    : new Rejected(RejectReason.MALFORMED, "claims are not a strict JSON object");
        }
        for (Check check : CHECKS) {
            Rejected problem = check(check, claims);
            if (problem != null) {
                return problem;
            }
        }
        String id = (String) claims.get(provider.userIdClaim());
        Object email = claims.get("email");
        long exp = numericDateMillis(claims.get("exp"));
        return new Authenticated(id, email instanceof String s ? s : null, groups(claims.get(provider.groupsClaim())),
                TokenScopes.of(claims), provider.name(), Instant.ofEpochMilli(exp), headerClaims(claims), keyId);
    }

    /** The claim checks, in the order the ingress applies them; {@code token verify} names each. */
    public enum Check {
        ISSUER("issuer"), AUDIENCE("audience"), EXPIRY("expiry"), USER_ID("user id"), SCOPES("scopes"),
        ALLOWED_DOMAIN("allowed domain");

        private final String label;

        Check(String label) {
            this.label = label;
        }

        /** How {@code token verify} prints this check. */
        public String label() {
            return label;
        }
    }

    /**
     * Runs every claim check on {@code payload}, even after one fails, for {@code runagents token verify}:
     * each check maps to null (passed) or why it failed. A payload that is not strict JSON fails them all.
     */
    public Map<Check, Rejected> diagnose(byte[] payload) {
        Map<Check, Rejected> results = new java.util.EnumMap<>(Check.class);
        Map<String, Object> claims;
        try {
            claims = StrictJson.parseObject(payload);
        } catch (StrictJson.JsonException e) {
            Rejected unreadable = e.duplicate() ? Rejected.of(RejectReason.DUPLICATE_CLAIM)
                    : new Rejected(RejectReason.MALFORMED, "claims are not a strict JSON object");
            for (Check check : Check.values()) {
                results.put(check, unreadable);
            }
            return results;
        }
        for (Check check : Check.values()) {
            results.put(check, check(check, claims));
        }
        return results;
    }

    /** One check on parsed claims: null when it passes. */
    private Rejected check(Check check, Map<String, Object> claims) {
        switch (check) {
            case ISSUER:
                return provider.issuer().equals(claims.get("iss")) ? null : ISSUER;
            case AUDIENCE:
                return provider.audiences().isEmpty() || audienceMatches(claims.get("aud")) ? null : AUDIENCE;
            case EXPIRY:
                return checkTimes(claims);
            case USER_ID:
                Object userId = claims.get(provider.userIdClaim());
                return userId instanceof String id && cleanUserId(id) ? null : Rejected.of(RejectReason.BAD_USER_ID_CLAIM);
            case SCOPES:
                return TokenScopes.of(claims) != null ? null : Rejected.of(RejectReason.BAD_SCOPE_CLAIM);
            default:
                return checkDomain(claims);
        }
    }

    private Rejected checkTimes(Map<String, Object> claims) {
        long now = clock.millis();
        if (!claims.containsKey("exp")) {
            return MISSING_EXP;
        }
        long exp = numericDateMillis(claims.get("exp"));
        if (exp < 0) {
            return new Rejected(RejectReason.INVALID_CLAIM, "exp is not a NumericDate");
        }
        if (now >= exp + skewMillis) {
            return EXPIRED;
        }
        if (claims.containsKey("nbf")) {
            long nbf = numericDateMillis(claims.get("nbf"));
            if (nbf < 0) {
                return new Rejected(RejectReason.INVALID_CLAIM, "nbf is not a NumericDate");
            }
            if (nbf > now + skewMillis) {
                return Rejected.of(RejectReason.NOT_YET_VALID);
            }
        }
        long iat = -1;
        if (claims.containsKey("iat")) {
            iat = numericDateMillis(claims.get("iat"));
            if (iat < 0) {
                return new Rejected(RejectReason.INVALID_CLAIM, "iat is not a NumericDate");
            }
            if (iat > now + skewMillis) {
                return Rejected.of(RejectReason.ISSUED_IN_FUTURE);
            }
        }
        Long maxLifetime = provider.maxTokenLifetimeSeconds();
        if (maxLifetime != null) {
            if (iat < 0) {
                // Without iat the lifetime cannot be bounded; accepting would silently disable the limit.
                return new Rejected(RejectReason.LIFETIME, "token has no iat to bound its lifetime");
            }
            if (exp - iat > maxLifetime * 1000L) {
                return Rejected.of(RejectReason.LIFETIME);
            }
        }
        return null;
    }

    private Rejected checkDomain(Map<String, Object> claims) {
        if (allowedDomains.isEmpty()) {
            return null;
        }
        if (!(claims.get("email") instanceof String address) || !domainAllowed(address)) {
            return Rejected.of(RejectReason.DOMAIN_NOT_ALLOWED);
        }
        Object verified = claims.get("email_verified");
        // Some providers send the flag as a string.
        if (Boolean.FALSE.equals(verified) || (verified instanceof String s && s.equalsIgnoreCase("false"))) {
            return Rejected.of(RejectReason.EMAIL_NOT_VERIFIED);
        }
        return null;
    }

    private boolean audienceMatches(Object aud) {
        if (aud instanceof String s) {
            return provider.audiences().contains(s);
        }
        if (aud instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof String s && provider.audiences().contains(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Milliseconds since the epoch, or -1 when the value is not a number in [0, year 9999]. */
    static long numericDateMillis(Object value) {
        if (value instanceof Long l) {
            return l >= 0 && l <= MAX_NUMERIC_DATE ? l * 1000L : -1;
        }
        if (value instanceof Double d) {
            return d >= 0 && d <= MAX_NUMERIC_DATE ? (long) Math.floor(d * 1000.0) : -1; // NaN fails both tests
        }
        return -1;
    }

    /**
     * SPEC: a non-empty string without control characters or {@code ,}, at most 256 characters. Also without a
     * space at either end: a header value cannot carry one (the agent's parser strips it as whitespace), so
     * {@code "bob "} would arrive as {@code bob}, another user.
     */
    static boolean cleanUserId(String id) {
        if (id.isEmpty() || id.codePointCount(0, id.length()) > MAX_USER_ID_LENGTH
                || id.charAt(0) == ' ' || id.charAt(id.length() - 1) == ' ') {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c) || c == ',') {
                return false;
            }
            if (Character.isSurrogate(c)) { // only well-formed pairs survive encoding into a header
                if (!Character.isHighSurrogate(c) || i + 1 >= id.length() || !Character.isLowSurrogate(id.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /**
     * SPEC: exactly one {@code @}, a non-empty local part without control characters, and a domain of printable
     * ASCII that equals an allowed domain case-insensitively ({@link Locale#ROOT}). Non-ASCII is refused before
     * case folding, so that e.g. the Kelvin sign or long s cannot fold into an allowed name.
     */
    boolean domainAllowed(String email) {
        int at = email.indexOf('@');
        if (at <= 0 || at != email.lastIndexOf('@') || at == email.length() - 1) {
            return false;
        }
        for (int i = 0; i < at; i++) {
            if (Character.isISOControl(email.charAt(i))) {
                return false;
            }
        }
        for (int i = at + 1; i < email.length(); i++) {
            char c = email.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return allowedDomains.contains(email.substring(at + 1).toLowerCase(Locale.ROOT));
    }

    private static List<String> groups(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object item : list) {
                if (item instanceof String s) {
                    out.add(s);
                }
            }
            return out;
        }
        return List.of();
    }

    private Map<String, Object> headerClaims(Map<String, Object> claims) {
        if (provider.claimHeaders().isEmpty()) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : provider.claimHeaders().keySet()) {
            Object value = claims.get(name);
            if (value != null) {
                out.put(name, value);
            }
        }
        return out;
    }
}
