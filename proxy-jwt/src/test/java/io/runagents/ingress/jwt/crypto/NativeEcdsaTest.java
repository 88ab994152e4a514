package io.runagents.ingress.jwt.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import io.runagents.ingress.jwt.testing.TestKeys;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The native verifier answers exactly as the JDK's does, for good and bad signatures on every curve. */
class NativeEcdsaTest {
    static Stream<Arguments> curves() {
        return Stream.of(Arguments.of(TestKeys.ec256(), JWSAlgorithm.ES256),
                Arguments.of(TestKeys.ec384(), JWSAlgorithm.ES384),
                Arguments.of(TestKeys.ec521(), JWSAlgorithm.ES512));
    }

    @Test
    void theNativeProviderLoadsOnLinuxX8664() {
        // Where Conscrypt ships a native library, the fast path must really be taken (not silently skipped).
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64"));
        assertThat(NativeEcdsa.providerOrNull()).isNotNull();
    }

    @ParameterizedTest
    @MethodSource("curves")
    void agreesWithTheJdkOnGoodAndBadSignatures(ECKey key, JWSAlgorithm alg) throws Exception {
        ECDSAVerifier jdk = new ECDSAVerifier(key.toECPublicKey());
        ECDSAVerifier nativeOrJdk = NativeEcdsa.verifier(key.toECPublicKey());
        if (NativeEcdsa.providerOrNull() != null) {
            assertThat(nativeOrJdk.getJCAContext().getProvider()).isSameAs(NativeEcdsa.providerOrNull());
        }
        JWSHeader header = new JWSHeader(alg);
        byte[] input = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9".getBytes(StandardCharsets.US_ASCII);
        ECDSASigner signer = new ECDSASigner(key);
        for (int i = 0; i < 20; i++) {
            input[input.length - 1] = (byte) ('a' + i);
            byte[] signature = signer.sign(header, input).decode();
            for (byte[] candidate : variants(signature, key)) {
                boolean expected = jdk.verify(header, input, Base64URL.encode(candidate));
                assertThat(nativeOrJdk.verify(header, input, Base64URL.encode(candidate)))
                        .as("signature %s", Base64URL.encode(candidate)).isEqualTo(expected);
            }
            assertThat(nativeOrJdk.verify(header, input, Base64URL.encode(signature))).isTrue();
        }
    }

    /** The signature, one bit flipped, r and s zero, s replaced by n - s (the other valid s: accepted by both). */
    private static byte[][] variants(byte[] signature, ECKey key) throws Exception {
        int half = signature.length / 2;
        byte[] flipped = signature.clone();
        flipped[3] ^= 0x10;
        byte[] zeros = new byte[signature.length];
        BigInteger n = key.toECPublicKey().getParams().getOrder();
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, half, signature.length));
        byte[] negated = signature.clone();
        byte[] otherS = n.subtract(s).toByteArray();
        Arrays.fill(negated, half, signature.length, (byte) 0);
        int copy = Math.min(otherS.length, half);
        System.arraycopy(otherS, otherS.length - copy, negated, signature.length - copy, copy);
        byte[] truncated = Arrays.copyOf(signature, signature.length - 1);
        return new byte[][] {signature, flipped, zeros, negated, truncated};
    }
}
