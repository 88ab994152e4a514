package io.runagents.ingress.jwt.jwks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;

import java.security.PublicKey;
import java.util.Objects;
import java.util.Set;

/**
 * One usable JWKS key, converted once per refresh: the {@link PublicKey}, the Nimbus verifier built on it, and the
 * algorithms it may verify (its type and curve, narrowed to its JWK {@code alg} when the JWKS states one).
 *
 * @param id the JWK {@code kid}, or its RFC 7638 thumbprint when it has none; what cache entries remember
 * @param kid the JWK {@code kid}, or null
 * @param algorithms the token {@code alg}s this key may verify
 */
public record VerificationKey(String id, String kid, PublicKey publicKey, JWSVerifier verifier,
                              Set<JWSAlgorithm> algorithms) {
    public VerificationKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(verifier, "verifier");
        algorithms = Set.copyOf(algorithms);
    }

    /** True when this key and {@code other} hold the same public key material. */
    public boolean sameMaterial(VerificationKey other) {
        return publicKey.equals(other.publicKey);
    }
}
