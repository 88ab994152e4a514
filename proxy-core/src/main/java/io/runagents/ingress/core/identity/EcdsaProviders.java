package io.runagents.ingress.core.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the JCA provider for the ES256 signature that every authenticated request costs
 * ({@code X-End-User-Context}). The JDK 17 provider computes P-256 in Java and needs hundreds of
 * microseconds per signature, more than the rest of the request; Conscrypt (BoringSSL, native) needs tens.
 * Conscrypt is used only for these signatures, never installed as a global provider, and only when its
 * native library loads on this platform; otherwise the JDK's provider is used, with the same output
 * format. {@code -Drunagents.ecdsa.jdk=true} forces the JDK's provider.
 *
 * <p>The private key is imported into Conscrypt once: handed a JDK key, Conscrypt would convert it to a
 * native key (and derive its public point) on every signature, doubling the cost.
 */
final class EcdsaProviders {
    private static final Logger log = LoggerFactory.getLogger(EcdsaProviders.class);
    private static final String ALGORITHM = "SHA256withECDSA";
    private static final String DIGEST_SIGNATURE = "NONEwithECDSA";
    private static final Provider NATIVE = load();

    private EcdsaProviders() { }

    /** Conscrypt's provider when usable here, else null (use the JDK's). */
    static Provider nativeOrNull() {
        return NATIVE;
    }

    /**
     * The private half of {@code key} ready for ES256 signatures: imported into Conscrypt when it is usable,
     * else the JDK's key and provider.
     */
    static SigningKey signingKey(ECKey key) throws JOSEException {
        PrivateKey jdkKey = key.toECPrivateKey();
        if (NATIVE != null) {
            try {
                PrivateKey imported = KeyFactory.getInstance("EC", NATIVE)
                        .generatePrivate(new PKCS8EncodedKeySpec(jdkKey.getEncoded()));
                SigningKey signing = new SigningKey(NATIVE, imported);
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
        if (NATIVE != null) {
            try {
                ECPublicKey imported = (ECPublicKey) KeyFactory.getInstance("EC", NATIVE)
                        .generatePublic(new X509EncodedKeySpec(key.toECPublicKey().getEncoded()));
                ECDSAVerifier verifier = new ECDSAVerifier(imported);
                verifier.getJCAContext().setProvider(NATIVE);
                return verifier;
            } catch (GeneralSecurityException | ClassCastException e) {
                log.info("identity context checks use the JDK's ECDSA: Conscrypt refused the key ({})", e.toString());
            }
        }
        return new ECDSAVerifier(key.toECPublicKey());
    }

    private static Provider load() {
        if (Boolean.getBoolean("runagents.ecdsa.jdk")) {
            return null;
        }
        try {
            if (!Conscrypt.isAvailable()) {
                log.info("identity context signatures use the JDK's ECDSA: no native Conscrypt for this platform");
                return null;
            }
            Provider provider = Conscrypt.newProvider();
            Signature.getInstance(ALGORITHM, provider);
            Signature.getInstance(DIGEST_SIGNATURE, provider);
            return provider;
        } catch (LinkageError | GeneralSecurityException | RuntimeException e) {
            log.info("identity context signatures use the JDK's ECDSA: Conscrypt unusable ({})", e.toString());
            return null;
        }
    }
}
