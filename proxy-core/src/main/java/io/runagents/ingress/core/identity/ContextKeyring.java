package io.runagents.ingress.core.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.runagents.ingress.jwt.AuthResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity context keys: the one the ingress signs with now, and the ones it signed with before a
 * rotation, still accepted (and published) until every context they signed has expired. Without that
 * overlap an agent halfway through its tool calls when the key changes would get 401s from the egress for
 * contexts that were valid when the ingress handed them over.
 */
public final class ContextKeyring {
    private static final Logger log = LoggerFactory.getLogger(ContextKeyring.class);

    /** A key accepted for verification until {@code until} (null: the current key, no end). */
    private record Accepted(ContextSigningKey key, JWSVerifier verifier, Instant until) {
        boolean acceptedAt(Instant instant) {
            return until == null || instant.isBefore(until);
        }
    }

    /** Everything a reader needs, swapped as one. */
    private record State(IdentityContextSigner signer, Map<String, Accepted> accepted, String publicJwks) { }

    /** How contexts are issued now ({@code identityContext.ttlSeconds} and {@code issuer}). */
    private record Issuing(int ttlSeconds, String issuer) { }

    private final Clock clock;
    private volatile State state;
    private volatile Issuing issuing = new Issuing(300, "runagents");
    /** The longest context lifetime the signing key has issued with: after a rotation it stays accepted that long. */
    private Duration longestTtlSigned = Duration.ZERO; // guarded by this

    public ContextKeyring(ContextSigningKey initial, Clock clock) {
        this.clock = clock;
        this.state = stateOf(initial, Map.of(initial.keyId(), accepted(initial, null)));
    }

    /** The signer of contexts issued now. */
    public IdentityContextSigner signer() {
        return state.signer();
    }

    /**
     * The context to forward for {@code user} calling {@code agent}: the one signed for this verified token and
     * agent while it is reusable (SPEC section 6: a fifth of its lifetime, and not after a key rotation), else a
     * new one, kept with the token's verified-token cache entry ({@link AuthResult.Authenticated#memo}). So a
     * cache hit forwards finished header bytes: no signature, no JSON, no base64.
     *
     * @param clockSkewSeconds the provider's: a context never outlives the user's token by more
     */
    public SignedContext contextFor(AuthResult.Authenticated user, String agent, int clockSkewSeconds) {
        State now = state;
        Issuing with = issuing;
        if (user.memo().get(agent) instanceof SignedContext kept
                && kept.reusableAt(clock.millis(), now.signer().key().keyId(), with.issuer())) {
            return kept;
        }
        SignedContext signed = now.signer().sign(user, agent, with.issuer(), with.ttlSeconds(), clockSkewSeconds);
        user.memo().put(agent, signed);
        return signed;
    }

    /** The {@code iss} of contexts issued now, which the egress requires. */
    public String issuer() {
        return issuing.issuer();
    }

    /** The key contexts are signed with now. */
    public ContextSigningKey current() {
        return state.signer().key();
    }

    /**
     * Contexts are issued with lifetime {@code ttlSeconds} and issuer {@code issuer} from now on (at start and on
     * every reload). The signing key remembers the longest lifetime it issued with, whatever later reloads say: a
     * context signed under {@code ttlSeconds: 120} stays valid for 120 s after a reload to 10 s.
     */
    public synchronized void issuing(int ttlSeconds, String issuer) {
        Duration ttl = Duration.ofSeconds(ttlSeconds);
        if (ttl.compareTo(longestTtlSigned) > 0) {
            longestTtlSigned = ttl;
        }
        issuing = new Issuing(ttlSeconds, issuer);
    }

    /**
     * Signs with {@code next} from now on. The previous key stays accepted and published for the longest
     * lifetime it issued contexts with ({@link #issuing}) plus {@code clockSkew}: until every context it signed
     * has expired. The same key again changes nothing.
     */
    public synchronized void rotate(ContextSigningKey next, Duration clockSkew) {
        State now = state;
        if (now.signer().key().keyId().equals(next.keyId())) {
            return;
        }
        Instant until = clock.instant().plus(longestTtlSigned).plus(clockSkew);
        longestTtlSigned = Duration.ZERO; // the new key has signed nothing yet
        Map<String, Accepted> accepted = new LinkedHashMap<>();
        accepted.put(next.keyId(), accepted(next, null));
        for (Accepted previous : live(now).values()) {
            if (!previous.key().keyId().equals(next.keyId())) {
                accepted.put(previous.key().keyId(), previous.until() == null
                        ? new Accepted(previous.key(), previous.verifier(), until) : previous);
            }
        }
        // The previous signer's per-thread Signature objects stay with the event loop threads (FastThreadLocal
        // slots are not reclaimed): a few hundred bytes per loop per rotation, and rotations are rare.
        state = stateOf(next, accepted);
        log.info("identity context key rotated: signing with {}, {} accepted until {}", next.keyId(),
                now.signer().key().keyId(), until);
    }

    /** The verifier for contexts naming {@code keyId}, or null when that key is unknown or no longer accepted. */
    public JWSVerifier verifierFor(String keyId) {
        Accepted accepted = keyId == null ? null : state.accepted().get(keyId);
        return accepted != null && accepted.acceptedAt(clock.instant()) ? accepted.verifier() : null;
    }

    /** The public keys accepted now, as a JWKS document, for {@code /identity-context/jwks.json}. */
    public String publicJwksJson() {
        State now = state;
        Instant instant = clock.instant();
        boolean expired = now.accepted().values().stream().anyMatch(a -> !a.acceptedAt(instant));
        return expired ? jwksOf(live(now)) : now.publicJwks();
    }

    private Map<String, Accepted> live(State now) {
        Instant instant = clock.instant();
        Map<String, Accepted> live = new LinkedHashMap<>();
        now.accepted().forEach((kid, a) -> {
            if (a.acceptedAt(instant)) {
                live.put(kid, a);
            }
        });
        return live;
    }

    private State stateOf(ContextSigningKey signing, Map<String, Accepted> accepted) {
        // Insertion order kept: the signing key comes first in the published JWKS.
        return new State(new IdentityContextSigner(signing, clock),
                Collections.unmodifiableMap(new LinkedHashMap<>(accepted)), jwksOf(accepted));
    }

    private static Accepted accepted(ContextSigningKey key, Instant until) {
        try {
            return new Accepted(key, EcdsaProviders.verifier(key.key()), until);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("identity context key unusable: " + e.getMessage(), e);
        }
    }

    private static String jwksOf(Map<String, Accepted> accepted) {
        List<JWK> keys = new ArrayList<>();
        accepted.values().forEach(a -> keys.add(a.key().key().toPublicJWK()));
        return new JWKSet(keys).toString();
    }
}
