package io.runagents.ingress.core.identity;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;
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
 */
final class EcdsaProviders {
    private static final Logger log = LoggerFactory.getLogger(EcdsaProviders.class);
    private static final Provider NATIVE = load();

    private EcdsaProviders() { }

    /** Conscrypt's provider when usable here, else null (use the JDK's). */
    static Provider nativeOrNull() {
        return NATIVE;
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
            Signature.getInstance("SHA256withECDSA", provider);
            return provider;
        } catch (LinkageError | GeneralSecurityException | RuntimeException e) {
            log.info("identity context signatures use the JDK's ECDSA: Conscrypt unusable ({})", e.toString());
            return null;
        }
    }
}
