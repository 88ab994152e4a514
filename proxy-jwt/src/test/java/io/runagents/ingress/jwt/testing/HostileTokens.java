package io.runagents.ingress.jwt.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.RSAKey;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** Rewrites of valid tokens into the broken spellings the attack corpus (here and in proxy-core) needs. */
public final class HostileTokens {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private HostileTokens() {
    }

    /** The header segment with base64 padding appended. */
    public static String padded(String token) {
        String[] p = token.split("\\.");
        return p[0] + "=." + p[1] + "." + p[2];
    }

    /** The token in the standard base64 alphabet ({@code +} and {@code /}). */
    public static String standardAlphabet(String token) {
        String s = token.replace('-', '+').replace('_', '/');
        if (s.equals(token)) {
            throw new IllegalArgumentException("token has no - or _ to rewrite");
        }
        return s;
    }

    /** A segment's last character with an unused low bit set; null when every segment is 4-aligned. */
    public static String nonCanonical(String token) {
        String[] p = token.split("\\.");
        for (int i = 0; i < 3; i++) {
            if (p[i].length() % 4 != 0) {
                char last = p[i].charAt(p[i].length() - 1);
                p[i] = p[i].substring(0, p[i].length() - 1) + ALPHABET.charAt(ALPHABET.indexOf(last) | 1);
                return String.join(".", p);
            }
        }
        return null;
    }

    /** {@code token}'s header and signature around {@code other}'s payload. */
    public static String swapPayload(String token, String other) {
        String[] a = token.split("\\.");
        String[] b = other.split("\\.");
        return a[0] + "." + b[1] + "." + a[2];
    }

    /** The signature one byte shorter (still canonical base64url). */
    public static String truncateSignature(String token) {
        String[] p = token.split("\\.");
        byte[] sig = Base64.getUrlDecoder().decode(p[2]);
        return p[0] + "." + p[1] + "." + TestTokens.b64(Arrays.copyOf(sig, sig.length - 1));
    }

    /** An ES256 signature with r = s = n, the P-256 group order. */
    public static byte[] rEqualsSEqualsN() {
        byte[] n = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16).toByteArray();
        byte[] sig = new byte[64];
        System.arraycopy(n, n.length - 32, sig, 0, 32);
        System.arraycopy(n, n.length - 32, sig, 32, 32);
        return sig;
    }

    /** A valid ECDSA token with its signature re-encoded as DER (JWS requires the fixed R||S form). */
    public static String derSignature(String ecToken) {
        String[] p = ecToken.split("\\.");
        try {
            byte[] der = ECDSA.transcodeSignatureToDER(Base64.getUrlDecoder().decode(p[2]));
            return p[0] + "." + p[1] + "." + TestTokens.b64(der);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PBES2 JWE with the largest {@code p2c}: ruinous to any library that starts decrypting it. */
    public static String pbes2() {
        return TestTokens.b64("{\"alg\":\"PBES2-HS512+A256KW\",\"enc\":\"A256GCM\",\"p2c\":2147483647,"
                + "\"p2s\":\"c2FsdHNhbHRzYWx0\"}") + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                + ".AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA";
    }

    /** The RSA public key as PEM text (an HMAC secret in key-confusion attacks). */
    public static String pem(RSAKey pub) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der(pub)) + "\n-----END PUBLIC KEY-----\n";
    }

    /** The RSA public key as X.509 DER bytes. */
    public static byte[] der(RSAKey pub) {
        try {
            return pub.toPublicKey().getEncoded();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
