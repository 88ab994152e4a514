package io.runagents.ingress.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Key rotation of {@code X-End-User-Context}: who signs, who is accepted, what is published, and until when. */
class ContextKeyringTest {
    private static final Duration OVERLAP = Duration.ofSeconds(305);

    private final MutableClock clock = MutableClock.atFixedStart();
    private final ContextSigningKey first = ContextSigningKey.generate();
    private final ContextSigningKey second = ContextSigningKey.generate();
    private final ContextKeyring keys = new ContextKeyring(first, clock);
    private final IdentityContextVerifier egress = new IdentityContextVerifier(keys, clock);

    private String context(int ttlSeconds) {
        AuthResult.Authenticated alice = new AuthResult.Authenticated("alice@example.com", "alice@example.com",
                List.of("engineering"), "idp", clock.instant().plusSeconds(3600), Map.of(), "kid-1");
        return keys.signer().sign(alice, "rid-" + System.nanoTime(), ttlSeconds);
    }

    private List<String> publishedKeyIds() throws Exception {
        return JWKSet.parse(keys.publicJwksJson()).getKeys().stream().map(JWK::getKeyID).toList();
    }

    @Test
    void beforeAnyRotationOneKeySignsAndIsPublished() throws Exception {
        assertThat(keys.current().keyId()).isEqualTo(first.keyId());
        assertThat(egress.verify(context(300))).isNotNull();
        assertThat(publishedKeyIds()).containsExactly(first.keyId());
    }

    @Test
    void afterRotationTheNewKeySignsAndTheOldOneIsStillAcceptedAndPublished() throws Exception {
        String issuedBefore = context(300);

        keys.rotate(second, OVERLAP);

        String issuedAfter = context(300);
        assertThat(com.nimbusds.jwt.SignedJWT.parse(issuedAfter).getHeader().getKeyID()).isEqualTo(second.keyId());
        assertThat(egress.verify(issuedBefore)).as("a context the old key signed").isNotNull();
        assertThat(egress.verify(issuedAfter)).isNotNull();
        assertThat(publishedKeyIds()).containsExactly(second.keyId(), first.keyId());
    }

    @Test
    void theOldKeyIsDroppedOnceEveryContextItSignedHasExpired() throws Exception {
        keys.rotate(second, OVERLAP);
        clock.advance(OVERLAP);

        // Unexpired, correctly signed, but by a key whose overlap is over (a leaked old key, say).
        String lateForgery = new IdentityContextSigner(first, clock).sign(alice(), "rid-late", 300);
        assertThat(egress.verify(lateForgery)).as("signed by the retired key after its overlap").isNull();
        assertThat(egress.verify(context(300))).isNotNull();
        assertThat(publishedKeyIds()).containsExactly(second.keyId());
    }

    @Test
    void theOldKeyOutlivesTheLongestTtlItSignedWithNotTheLatest() throws Exception {
        keys.issuing(Duration.ofSeconds(120));
        String longLived = context(120);
        keys.issuing(Duration.ofSeconds(10)); // a reload shortens ttlSeconds, then another rotates the key

        keys.rotate(second, Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(18));

        assertThat(egress.verify(longLived)).as("signed under the 120 s ttl, 18 s after the rotation").isNotNull();
        assertThat(publishedKeyIds()).containsExactly(second.keyId(), first.keyId());
        clock.advance(Duration.ofSeconds(125 - 18));
        assertThat(publishedKeyIds()).containsExactly(second.keyId());
    }

    @Test
    void rotatingToTheSameKeyChangesNothing() throws Exception {
        keys.rotate(ContextSigningKey.of(first.key()), OVERLAP);

        assertThat(keys.current()).isSameAs(first);
        assertThat(publishedKeyIds()).containsExactly(first.keyId());
    }

    @Test
    void aKeyNeverInTheRingIsRefused() {
        String otherProxy = new IdentityContextSigner(ContextSigningKey.generate(), clock).sign(alice(), "rid-x", 300);

        assertThat(egress.verify(otherProxy)).isNull();
    }

    private AuthResult.Authenticated alice() {
        return new AuthResult.Authenticated("alice@example.com", "alice@example.com", List.of(), "idp",
                clock.instant().plusSeconds(3600), Map.of(), "kid-1");
    }
}
