package io.runagents.ingress.jwt.verify;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import io.runagents.ingress.jwt.RejectReason;
import io.runagents.ingress.jwt.jwks.JwksSnapshot;
import io.runagents.ingress.jwt.jwks.VerificationKey;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The JWS half of verification: strict form, header rules, key selection from the provider's snapshot only, and
 * the signature (Nimbus does the cryptography). Claims are {@link ClaimsPolicy}'s concern; this class never looks
 * at the payload beyond decoding it, which is why the Wycheproof vectors (whose payloads are not JWT claims) run
 * through exactly this code.
 *
 * <p>Header keys that point at keys ({@code jku}, {@code x5u}, {@code jwk}, {@code x5c}, {@code x5t}) are never
 * read. Instances are immutable and thread-safe.
 */
public final class JwsVerifier {

    /** What verification found. */
    public sealed interface Outcome permits Verified, Refused, Missing {
    }

    /** The signature is good; {@code payload} is the decoded (not yet parsed) claims set. */
    public record Verified(VerificationKey key, JWSAlgorithm algorithm, byte[] payload) implements Outcome {
    }

    /** The token is refused for {@code reason}. */
    public record Refused(RejectReason reason, String description) implements Outcome {
        static Refused of(RejectReason reason, String description) {
            return new Refused(reason, description);
        }
    }

    /** The decision needs keys the snapshot does not have; a JWKS fetch might help. */
    public enum Missing implements Outcome {
        /** The token's {@code kid} is not in the key set. */
        UNKNOWN_KID,
        /** The key set is empty (never fetched, or too stale). */
        NO_KEYS
    }

    /** Every algorithm this proxy can verify: asymmetric only, since JWKS {@code oct} keys are never used. */
    public static final Set<JWSAlgorithm> SUPPORTED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    // Verifiers read only alg from the header; one immutable header per alg spares a parse per request.
    private static final Map<JWSAlgorithm, JWSHeader> HEADERS = new HashMap<>();

    static {
        for (JWSAlgorithm alg : SUPPORTED) {
            HEADERS.put(alg, new JWSHeader(alg));
        }
    }

    private static final Refused MALFORMED = Refused.of(RejectReason.MALFORMED, RejectReason.MALFORMED.description());
    private static final Refused BAD_HEADER = Refused.of(RejectReason.MALFORMED, "header is not a strict JSON object");
    private static final Refused JWE = Refused.of(RejectReason.UNSUPPORTED_JWE, RejectReason.UNSUPPORTED_JWE.description());
    private static final Refused BAD_SIGNATURE =
            Refused.of(RejectReason.BAD_SIGNATURE, RejectReason.BAD_SIGNATURE.description());

    private final Map<String, JWSAlgorithm> allowed;

    /** A verifier that accepts the named algorithms (names outside {@link #SUPPORTED} are never accepted). */
    public JwsVerifier(Collection<String> algorithms) {
        Map<String, JWSAlgorithm> map = new HashMap<>();
        for (String name : algorithms) {
            JWSAlgorithm alg = JWSAlgorithm.parse(name);
            if (SUPPORTED.contains(alg)) {
                map.put(alg.getName(), alg);
            }
        }
        this.allowed = Map.copyOf(map);
    }

    /** The algorithms this verifier accepts. */
    public Set<String> algorithms() {
        return new HashSet<>(allowed.keySet());
    }

    /** Verifies {@code token} (any string) against {@code keys}. */
    public Outcome verify(String token, JwksSnapshot keys) {
        switch (CompactToken.shape(token)) {
            case JWE:
                return JWE;
            case INVALID:
                return MALFORMED;
            default:
                break;
        }
        CompactToken compact = CompactToken.parse(token);
        byte[] headerBytes = compact.header();
        if (headerBytes == null) {
            return MALFORMED;
        }
        Map<String, Object> header;
        try {
            header = StrictJson.parseObject(headerBytes);
        } catch (StrictJson.JsonException e) {
            return BAD_HEADER;
        }
        Object algValue = header.get("alg");
        if (!(algValue instanceof String algName)) {
            return Refused.of(RejectReason.MALFORMED, "header has no alg");
        }
        if (header.containsKey("enc")) {
            return JWE;
        }
        JWSAlgorithm alg = allowed.get(algName);
        if (alg == null) {
            return Refused.of(RejectReason.ALG_NOT_ALLOWED,
                    "none".equalsIgnoreCase(algName) ? "unsigned tokens (alg none) are not accepted"
                            : RejectReason.ALG_NOT_ALLOWED.description());
        }
        Refused headerProblem = checkHeader(header);
        if (headerProblem != null) {
            return headerProblem;
        }
        Object kid = header.get("kid");
        if (header.containsKey("kid") && !(kid instanceof String)) { // "kid": null is not "no kid"
            return Refused.of(RejectReason.MALFORMED, "kid is not a string");
        }
        if (!keys.hasKeys()) {
            return Missing.NO_KEYS;
        }
        VerificationKey key;
        if (kid != null) {
            key = keys.byKid((String) kid);
            if (key == null) {
                return Missing.UNKNOWN_KID;
            }
        } else if (keys.keys().size() == 1) {
            key = keys.keys().get(0);
        } else {
            return Refused.of(RejectReason.UNKNOWN_KEY, "token has no kid and the key set has several keys");
        }
        if (!key.algorithms().contains(alg)) {
            return Refused.of(RejectReason.KEY_MISMATCH, RejectReason.KEY_MISMATCH.description());
        }
        if (compact.signatureBytes() == null) {
            return MALFORMED;
        }
        try {
            if (!key.verifier().verify(HEADERS.get(alg), compact.signingInput(), new Base64URL(compact.signature()))) {
                return BAD_SIGNATURE;
            }
        } catch (JOSEException | RuntimeException e) {
            return BAD_SIGNATURE;
        }
        byte[] payload = compact.payload();
        if (payload == null) {
            return MALFORMED;
        }
        return new Verified(key, alg, payload);
    }

    /** Header rules other than alg and kid; null when the header passes. */
    private static Refused checkHeader(Map<String, Object> header) {
        if (header.containsKey("crit")) {
            // No extension is understood here, so any critical one (b64 included) refuses the token.
            return Refused.of(RejectReason.UNKNOWN_CRIT, RejectReason.UNKNOWN_CRIT.description());
        }
        if (header.containsKey("b64") && !Boolean.TRUE.equals(header.get("b64"))) {
            return Refused.of(RejectReason.UNKNOWN_CRIT, "unencoded payloads (b64 false) are not accepted");
        }
        if (header.get("cty") instanceof String cty && (cty.equalsIgnoreCase("JWT")
                || cty.equalsIgnoreCase("application/jwt"))) {
            return Refused.of(RejectReason.NESTED, RejectReason.NESTED.description());
        }
        if (header.containsKey("zip")) {
            return Refused.of(RejectReason.MALFORMED, "compressed payloads (zip) are not accepted");
        }
        return null;
    }
}
