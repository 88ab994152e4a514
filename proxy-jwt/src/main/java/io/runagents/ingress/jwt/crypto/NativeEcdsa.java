package io.runagents.ingress.jwt.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native ECDSA (Conscrypt, that is BoringSSL) where its library loads: JDK 17 computes P-256 in Java and
 * spends about 800 µs verifying one ES256 signature and 450 µs making one; BoringSSL needs about 50 and 16.
 * Conscrypt is never installed as a global provider: callers hand it to the objects that sign or verify.
 * Elsewhere (no native library for the platform, or {@code -Drunagents.ecdsa.jdk=true}) it is absent and the
 * JDK's provider is used, with the same results.
 *
 * <p>Keys are imported into Conscrypt once: handed a JDK key, it would convert the key on every operation.
 */
public final class NativeEcdsa {
    private static final Logger log = LoggerFactory.getLogger(NativeEcdsa.class);
    private static final Provider PROVIDER = load();

    private NativeEcdsa() { }

    /** Conscrypt's provider when usable here, else null (use the JDK's). */
    public static Provider providerOrNull() {
        return PROVIDER;
    }

    /**
     * A Nimbus verifier for {@code key}: on the native provider with the key imported into it when possible,
     * else the JDK's.
     */
    public static ECDSAVerifier verifier(ECPublicKey key) throws JOSEException {
        if (PROVIDER != null) {
            try {
                ECPublicKey imported = (ECPublicKey) KeyFactory.getInstance("EC", PROVIDER)
                        .generatePublic(new X509EncodedKeySpec(key.getEncoded()));
                ECDSAVerifier verifier = new ECDSAVerifier(imported);
                verifier.getJCAContext().setProvider(PROVIDER);
                return verifier;
            } catch (GeneralSecurityException | ClassCastException | JOSEException e) {
                log.info("ECDSA key verified with the JDK's provider: Conscrypt refused it ({})", e.toString());
            }
        }
        return new ECDSAVerifier(key);
    }

    private static Provider load() {
        if (Boolean.getBoolean("runagents.ecdsa.jdk")) {
            return null;
        }
        try {
            if (!Conscrypt.isAvailable()) {
                log.info("ECDSA uses the JDK's provider: no native Conscrypt for this platform");
                return null;
            }
            Provider provider = Conscrypt.newProvider();
            for (String algorithm : new String[] {"SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA",
                    "NONEwithECDSA"}) {
                Signature.getInstance(algorithm, provider);
            }
            return provider;
        } catch (LinkageError | GeneralSecurityException | RuntimeException e) {
            log.info("ECDSA uses the JDK's provider: Conscrypt unusable ({})", e.toString());
            return null;
        }
    }
}
