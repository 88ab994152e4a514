package io.runagents.ingress.core.transport;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;

/**
 * Whether a private key is the one a certificate certifies. Netty with the JDK provider builds a server context
 * from any pair, and every handshake then fails; checking when loading makes a mismatch a config error instead.
 */
final class KeyPairMatch {
    private static final byte[] PROBE = "runagents ingress: does this key match its certificate?"
            .getBytes(StandardCharsets.US_ASCII);

    private KeyPairMatch() {
    }

    static boolean matches(PrivateKey key, PublicKey certified) {
        if (key instanceof RSAKey rsa && certified instanceof RSAPublicKey rsaPublic) {
            // An RSA key carries its public half: comparing is exact and cheaper than signing. Plain RSA and
            // RSASSA-PSS keys are compared alike: the same numbers are the same key.
            return rsa.getModulus().equals(rsaPublic.getModulus()) && (!(key instanceof RSAPrivateCrtKey crt)
                    || crt.getPublicExponent().equals(rsaPublic.getPublicExponent()));
        }
        if (!key.getAlgorithm().equals(certified.getAlgorithm())) {
            return false;
        }
        String signatureAlgorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        return signatureAlgorithm != null && verifies(signatureAlgorithm, key, certified);
    }

    /** Signs with {@code key} and verifies with {@code certified}: they are one pair exactly when that works. */
    private static boolean verifies(String algorithm, PrivateKey key, PublicKey certified) {
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // another curve, say: the key cannot sign for this certificate either
        }
    }
}
