package io.runagents.ingress.jwt.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signing keys for tests, generated once per JVM (RSA generation is slow) and shared by proxy-jwt, proxy-core and
 * the benchmarks through the test-jar.
 */
public final class TestKeys {

    private static final Map<String, JWK> KEYS = new ConcurrentHashMap<>();

    private TestKeys() {
    }

    /** RSA 2048, kid {@code rsa-1}. */
    public static RSAKey rsa() {
        return rsa("rsa-1", 2048);
    }

    /** A second RSA 2048 key, kid {@code rsa-2} (rotation tests). */
    public static RSAKey rsa2() {
        return rsa("rsa-2", 2048);
    }

    /** An attacker's RSA 2048 key, kid {@code attacker-rsa}; never in a provider's JWKS. */
    public static RSAKey attackerRsa() {
        return rsa("attacker-rsa", 2048);
    }

    /** RSA 1024, kid {@code rsa-1024}: too weak, must be ignored in a JWKS. */
    public static RSAKey weakRsa() {
        return rsa("rsa-1024", 1024);
    }

    /** EC P-256, kid {@code ec-256}. */
    public static ECKey ec256() {
        return ec("ec-256", Curve.P_256);
    }

    /** EC P-384, kid {@code ec-384}. */
    public static ECKey ec384() {
        return ec("ec-384", Curve.P_384);
    }

    /** EC P-521, kid {@code ec-521}. */
    public static ECKey ec521() {
        return ec("ec-521", Curve.P_521);
    }

    /** An attacker's EC P-256 key, kid {@code attacker-ec}. */
    public static ECKey attackerEc() {
        return ec("attacker-ec", Curve.P_256);
    }

    /** An RSA key of {@code bits} with {@code kid}, cached by kid. */
    public static RSAKey rsa(String kid, int bits) {
        return (RSAKey) KEYS.computeIfAbsent(kid, k -> {
            try {
                return new RSAKeyGenerator(bits, bits < 2048).keyID(k).keyUse(KeyUse.SIGNATURE).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** An EC key on {@code curve} with {@code kid}, cached by kid. */
    public static ECKey ec(String kid, Curve curve) {
        return (ECKey) KEYS.computeIfAbsent(kid, k -> {
            try {
                return new ECKeyGenerator(curve).keyID(k).keyUse(KeyUse.SIGNATURE).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The JWS algorithm a key signs with by default. */
    public static JWSAlgorithm defaultAlgorithm(JWK key) {
        if (key instanceof ECKey ec) {
            return Curve.P_384.equals(ec.getCurve()) ? JWSAlgorithm.ES384
                    : Curve.P_521.equals(ec.getCurve()) ? JWSAlgorithm.ES512 : JWSAlgorithm.ES256;
        }
        return JWSAlgorithm.RS256;
    }

    /** A JWKS document with the public halves of {@code keys}. */
    public static String jwks(JWK... keys) {
        List<String> parts = new ArrayList<>();
        for (JWK k : keys) {
            parts.add(k.toPublicJWK().toJSONString());
        }
        return "{\"keys\":[" + String.join(",", parts) + "]}";
    }
}
