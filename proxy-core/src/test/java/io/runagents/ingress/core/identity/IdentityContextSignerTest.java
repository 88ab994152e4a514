package io.runagents.ingress.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.crypto.NativeEcdsa;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Whichever provider signs (native Conscrypt or the JDK's), the context is a plain ES256 JWS the JDK verifies. */
class IdentityContextSignerTest {
    private final ContextSigningKey key = ContextSigningKey.generate();
    private final AuthResult.Authenticated alice = new AuthResult.Authenticated("alice@company.com",
            "alice@company.com", List.of("engineering"), List.of(), "google", Instant.now().plusSeconds(3600), Map.of(),
            "k1");

    @Test
    void theContextKeyIsImportedIntoTheNativeProviderOnLinuxX8664() throws Exception {
        // Where Conscrypt ships a native library, the fast path must really be taken (not silently skipped).
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").equals("amd64"));
        assertThat(EcdsaProviders.signingKey(key.key()).provider())
                .isNotNull().isSameAs(NativeEcdsa.providerOrNull());
    }

    @Test
    void signaturesVerifyWithTheJdkProvider() throws Exception {
        assertVerifiable(new IdentityContextSigner(key, Clock.systemUTC()));
    }

    @Test
    void theJdkFallbackSignsTheSameWay() throws Exception {
        assertVerifiable(new IdentityContextSigner(key, Clock.systemUTC(),
                new EcdsaProviders.SigningKey(null, key.key().toECPrivateKey())));
    }

    @Test
    void threadsSignConcurrentlyEachWithItsOwnSignature() throws Exception {
        IdentityContextSigner signer = new IdentityContextSigner(key, Clock.systemUTC());
        ECDSAVerifier jdk = new ECDSAVerifier(key.key().toECPublicKey());
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> contexts = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String agent = "agent-" + i;
                contexts.add(threads.submit(() -> sign(signer, agent)));
            }
            for (int i = 0; i < contexts.size(); i++) {
                SignedJWT context = SignedJWT.parse(contexts.get(i).get());
                assertThat(context.verify(jdk)).isTrue();
                assertThat(context.getJWTClaimsSet().getAudience()).containsExactly("agent-" + i);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private void assertVerifiable(IdentityContextSigner signer) throws Exception {
        ECDSAVerifier jdk = new ECDSAVerifier(key.key().toECPublicKey());
        for (int i = 0; i < 50; i++) { // ECDSA signatures vary: check more than one, and their fixed size
            SignedJWT context = SignedJWT.parse(sign(signer, "agent-" + i));
            assertThat(context.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
            assertThat(context.getHeader().getKeyID()).isEqualTo(key.keyId());
            assertThat(context.getSignature().decode()).hasSize(64);
            assertThat(context.verify(jdk)).isTrue();
            assertThat(context.getJWTClaimsSet().getAudience()).containsExactly("agent-" + i);
            assertThat(context.getJWTClaimsSet().getJWTID()).matches("[0-9a-f]{32}");
        }
    }

    private String sign(IdentityContextSigner signer, String agent) {
        return signer.sign(alice, agent, "runagents", 300, 60).headerValue().toString();
    }
}
