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
    private static final String ISSUER = "runagents";

    private final MutableClock clock = MutableClock.atFixedStart();
    private final ContextSigningKey first = ContextSigningKey.generate();
    private final ContextSigningKey second = ContextSigningKey.generate();
    private final ContextKeyring keys = new ContextKeyring(first, clock);
    private final IdentityContextVerifier egress = new IdentityContextVerifier(keys, clock, 1000,
            () -> clock.millis() * 1_000_000L);

    private String context(int ttlSeconds) {
        return keys.signer().sign(alice(), "assistant", ISSUER, ttlSeconds, 60).headerValue().toString();
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
        String lateForgery = new IdentityContextSigner(first, clock).sign(alice(), "assistant", ISSUER, 300, 60)
                .headerValue().toString();
        assertThat(egress.verify(lateForgery)).as("signed by the retired key after its overlap").isNull();
        assertThat(egress.verify(context(300))).isNotNull();
        assertThat(publishedKeyIds()).containsExactly(second.keyId());
    }

    @Test
    void theOldKeyOutlivesTheLongestTtlItSignedWithNotTheLatest() throws Exception {
        keys.issuing(120, ISSUER);
        String longLived = context(120);
        keys.issuing(10, ISSUER); // a reload shortens ttlSeconds, then another rotates the key

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
        String otherProxy = new IdentityContextSigner(ContextSigningKey.generate(), clock)
                .sign(alice(), "assistant", ISSUER, 300, 60).headerValue().toString();

        assertThat(egress.verify(otherProxy)).isNull();
    }

    @Test
    void oneContextPerTokenAndAgentIsReusedForAFifthOfItsLifetime() {
        keys.issuing(300, ISSUER);
        AuthResult.Authenticated alice = alice();
        SignedContext first = keys.contextFor(alice, "assistant", 60);
        clock.advance(Duration.ofSeconds(59));
        assertThat(keys.contextFor(alice, "assistant", 60)).as("within a fifth of 300 s").isSameAs(first);
        assertThat(keys.contextFor(alice, "planner", 60)).as("another agent, another context").isNotSameAs(first)
                .extracting(SignedContext::id).isNotEqualTo(first.id());
        clock.advance(Duration.ofSeconds(1));
        SignedContext next = keys.contextFor(alice, "assistant", 60);
        assertThat(next).as("a fifth has passed: signed anew").isNotSameAs(first);
        assertThat(next.expiresAtMillis() - clock.millis()).as("a fresh one has its whole life").isEqualTo(300_000);
        assertThat(egress.verify(next.headerValue().toString())).extracting(c -> c.agent(), c -> c.id())
                .containsExactly("assistant", next.id());
    }

    @Test
    void aRotatedKeySignsTheNextContextAtOnce() throws Exception {
        AuthResult.Authenticated alice = alice();
        SignedContext before = keys.contextFor(alice, "assistant", 60);
        keys.rotate(second, OVERLAP);
        SignedContext after = keys.contextFor(alice, "assistant", 60);
        assertThat(after.keyId()).isEqualTo(second.keyId()).isNotEqualTo(before.keyId());
        assertThat(com.nimbusds.jwt.SignedJWT.parse(after.headerValue().toString()).getHeader().getKeyID())
                .isEqualTo(second.keyId());
    }

    @Test
    void aReloadToAnotherIssuerSignsTheNextContextAtOnce() {
        keys.issuing(300, ISSUER);
        AuthResult.Authenticated alice = alice();
        SignedContext before = keys.contextFor(alice, "assistant", 60);
        keys.issuing(300, "renamed-proxy");
        assertThat(egress.verify(before.headerValue().toString())).as("the egress now requires the new issuer")
                .isNull();
        SignedContext after = keys.contextFor(alice, "assistant", 60);
        assertThat(after).as("not the kept one, whose issuer the egress refuses").isNotSameAs(before);
        assertThat(after.issuer()).isEqualTo("renamed-proxy");
        assertThat(egress.verify(after.headerValue().toString())).isNotNull();
    }

    @Test
    void aContextNeverOutlivesTheUserTokenBeyondTheProvidersSkew() throws Exception {
        AuthResult.Authenticated shortLived = new AuthResult.Authenticated("alice@example.com", null, List.of(),
                List.of("files.read", "mcp"), "idp", clock.instant().plusSeconds(30), Map.of(), "kid-1");
        SignedContext context = keys.contextFor(shortLived, "assistant", 60);
        assertThat(context.expiresAtMillis()).isEqualTo(clock.instant().plusSeconds(90).toEpochMilli());
        var claims = com.nimbusds.jwt.SignedJWT.parse(context.headerValue().toString()).getJWTClaimsSet();
        assertThat(claims.getStringClaim("scope")).isEqualTo("files.read mcp");
        assertThat(claims.getStringClaim("iss")).isEqualTo(ISSUER);
        assertThat(claims.getAudience()).containsExactly("assistant");
        assertThat(claims.getClaims()).doesNotContainKey("rid");
        clock.advance(Duration.ofSeconds(91));
        assertThat(egress.verify(context.headerValue().toString())).as("expired").isNull();
    }

    @Test
    void theEgressRequiresTheProxysIssuer() {
        String other = keys.signer().sign(alice(), "assistant", "another-proxy", 300, 60).headerValue().toString();
        assertThat(egress.verify(other)).isNull();
    }

    private AuthResult.Authenticated alice() {
        return new AuthResult.Authenticated("alice@example.com", "alice@example.com", List.of(), List.of(), "idp",
                clock.instant().plusSeconds(3600), Map.of(), "kid-1");
    }
}
