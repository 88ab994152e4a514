package io.runagents.ingress.core.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import io.runagents.ingress.jwt.crypto.NativeEcdsa;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ES256 signature that every authenticated request costs ({@code X-End-User-Context}) and its check at
 * the egress, on native ECDSA when {@link NativeEcdsa} has it (about 16 µs per signature against 450 µs
 * in JDK 17), else on the JDK's provider with the same output.
 *
 * <p>The private key is imported into Conscrypt once: handed a JDK key, Conscrypt would convert it to a
 * native key (and derive its public point) on every signature, doubling the cost.
 */
final class EcdsaProviders {
    private static final Logger log = LoggerFactory.getLogger(EcdsaProviders.class);
    private static final String DIGEST_SIGNATURE = "NONEwithECDSA";

    private EcdsaProviders() { }

    /**
     * The private half of {@code key} ready for ES256 signatures: imported into Conscrypt when it is usable,
     * else the JDK's key and provider.
     */
    static SigningKey signingKey(ECKey key) throws JOSEException {
        PrivateKey jdkKey = key.toECPrivateKey();
        Provider provider = NativeEcdsa.providerOrNull();
        if (provider != null) {
            try {
                PrivateKey imported = KeyFactory.getInstance("EC", provider)
                        .generatePrivate(new PKCS8EncodedKeySpec(jdkKey.getEncoded()));
                SigningKey signing = new SigningKey(provider, imported);
                signing.newDigestSignature();
                return signing;
            } catch (GeneralSecurityException e) {
                log.info("identity context signatures use the JDK's ECDSA: Conscrypt refused the key ({})",
                        e.toString());
            }
        }
        try {
            SigningKey signing = new SigningKey(null, jdkKey);
            signing.newDigestSignature();
            return signing;
        } catch (GeneralSecurityException e) {
            throw new JOSEException("no ES256 signature for this key: " + e.getMessage(), e);
        }
    }

    /** A private key and the provider ({@code null}: the JDK's) that signs SHA-256 digests with it. */
    record SigningKey(Provider provider, PrivateKey key) {
        /**
         * A {@code NONEwithECDSA} signature (the caller hashes) initialised with the key. It stays initialised
         * after each {@code sign()} (the JCA contract), so one per thread signs any number of digests.
         * Conscrypt's {@code SHA256withECDSA} would allocate a native digest context per signature, released
         * by a finalizer: thousands of final references per young collection, which stretched G1's pauses
         * from about 1 ms to 8 ms on the authenticated route.
         */
        Signature newDigestSignature() throws GeneralSecurityException {
            Signature signature = provider == null ? Signature.getInstance(DIGEST_SIGNATURE)
                    : Signature.getInstance(DIGEST_SIGNATURE, provider);
            signature.initSign(key);
            return signature;
        }
    }

    /** An ES256 verifier for {@code key}'s public part: native when Conscrypt is usable, else the JDK's. */
    static ECDSAVerifier verifier(ECKey key) throws JOSEException {
        return NativeEcdsa.verifier(key.toECPublicKey());
    }
}
