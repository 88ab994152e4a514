package io.runagents.ingress.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.runagents.ingress.jwt.AuthResult;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whichever provider signs (native Conscrypt or the JDK's), the context is a plain ES256 JWS the JDK verifies. */
class IdentityContextSignerTest {
    private final ContextSigningKey key = ContextSigningKey.generate();
    private final AuthResult.Authenticated alice = new AuthResult.Authenticated("alice@company.com",
            "alice@company.com", List.of("engineering"), "google", Instant.now().plusSeconds(3600), Map.of(), "k1");

    @Test
    void theNativeProviderLoadsOnLinuxX8664() {
        // Where Conscrypt ships a native library, the fast path must really be taken (not silently skipped).
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").equals("amd64"));
        assertThat(EcdsaProviders.nativeOrNull()).isNotNull();
    }

    @Test
    void signaturesVerifyWithTheJdkProvider() throws Exception {
        IdentityContextSigner signer = new IdentityContextSigner(key, Clock.systemUTC());
        ECDSAVerifier jdk = new ECDSAVerifier(key.key().toECPublicKey());
        for (int i = 0; i < 50; i++) { // ECDSA signatures vary: check more than one, and their fixed size
            SignedJWT context = SignedJWT.parse(signer.sign(alice, "rid-" + i, 300));
            assertThat(context.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
            assertThat(context.getHeader().getKeyID()).isEqualTo(key.keyId());
            assertThat(context.getSignature().decode()).hasSize(64);
            assertThat(context.verify(jdk)).isTrue();
            assertThat(context.getJWTClaimsSet().getStringClaim("rid")).isEqualTo("rid-" + i);
        }
    }
}
