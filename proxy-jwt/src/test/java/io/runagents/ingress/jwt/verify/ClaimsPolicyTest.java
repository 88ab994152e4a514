package io.runagents.ingress.jwt.verify;

import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.RejectReason;
import io.runagents.ingress.jwt.testing.Json;
import io.runagents.ingress.jwt.testing.MutableClock;
import io.runagents.ingress.jwt.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimsPolicyTest {

    final MutableClock clock = MutableClock.atFixedStart();
    final long now = clock.instant().getEpochSecond();

    ClaimsPolicy policy(Long maxLifetime, List<String> audiences) {
        return new ClaimsPolicy(new IdentityProvider("p", "h", TestTokens.ISSUER, URI.create("https://idp/jwks"),
                audiences, IdentityProvider.DEFAULT_ALGORITHMS, 0, maxLifetime, "sub", List.of(), "roles", false,
                Map.of("tier", "X-Tier", "absent", "X-Absent")), clock);
    }

    Map<String, Object> claims() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", TestTokens.ISSUER);
        c.put("sub", "alice");
        c.put("iat", now);
        c.put("exp", now + 3600);
        return c;
    }

    AuthResult eval(ClaimsPolicy p, Map<String, Object> claims) {
        return p.evaluate(Json.write(claims).getBytes(StandardCharsets.UTF_8), "kid");
    }

    RejectReason reason(AuthResult r) {
        return r instanceof AuthResult.Rejected rej ? rej.reason() : null;
    }

    @Test
    void lifetimeLimit() {
        ClaimsPolicy p = policy(3600L, List.of());
        assertThat(eval(p, claims())).isInstanceOf(AuthResult.Authenticated.class);
        Map<String, Object> longLived = claims();
        longLived.put("exp", now + 3601);
        assertThat(reason(eval(p, longLived))).isEqualTo(RejectReason.LIFETIME);
        Map<String, Object> noIat = claims();
        noIat.remove("iat");
        assertThat(reason(eval(p, noIat))).isEqualTo(RejectReason.LIFETIME);
        assertThat(eval(policy(null, List.of()), noIat)).isInstanceOf(AuthResult.Authenticated.class);
    }

    @Test
    void zeroSkewIsExact() {
        ClaimsPolicy p = policy(null, List.of());
        Map<String, Object> c = claims();
        c.put("exp", now);
        assertThat(reason(eval(p, c))).isEqualTo(RejectReason.EXPIRED);
        c.put("exp", now + 1);
        assertThat(eval(p, c)).isInstanceOf(AuthResult.Authenticated.class);
        c.put("nbf", now + 1);
        assertThat(reason(eval(p, c))).isEqualTo(RejectReason.NOT_YET_VALID);
    }

    @Test
    void audienceUnsetMeansUnchecked() {
        Map<String, Object> c = claims();
        c.put("aud", 12);
        assertThat(eval(policy(null, List.of()), c)).isInstanceOf(AuthResult.Authenticated.class);
        assertThat(reason(eval(policy(null, List.of("x")), c))).isEqualTo(RejectReason.AUDIENCE);
    }

    @Test
    void groupsClaimAndHeaderClaims() {
        Map<String, Object> c = claims();
        c.put("roles", List.of("a", 1, "b"));
        c.put("tier", List.of("gold", "x"));
        AuthResult.Authenticated a = (AuthResult.Authenticated) eval(policy(null, List.of()), c);
        assertThat(a.groups()).containsExactly("a", "b");
        assertThat(a.claims()).containsOnlyKeys("tier");
        assertThat(a.email()).isNull();
        assertThat(a.keyId()).isEqualTo("kid");
    }

    @Test
    void payloadThatIsNotAnObject() {
        ClaimsPolicy p = policy(null, List.of());
        assertThat(reason(p.evaluate("foo".getBytes(StandardCharsets.UTF_8), "k"))).isEqualTo(RejectReason.MALFORMED);
        assertThat(reason(p.evaluate("[]".getBytes(StandardCharsets.UTF_8), "k"))).isEqualTo(RejectReason.MALFORMED);
        assertThat(reason(p.evaluate(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}, "k")))
                .isEqualTo(RejectReason.MALFORMED);
    }

    @Test
    void scopesComeFromScopeOrScp() {
        ClaimsPolicy p = policy(null, List.of());
        Map<String, Object> c = claims();
        assertThat(((AuthResult.Authenticated) eval(p, c)).scopes()).as("none").isEmpty();
        c.put("scope", "files.read  mcp:tools ");
        assertThat(((AuthResult.Authenticated) eval(p, c)).scopes()).containsExactly("files.read", "mcp:tools");
        c.remove("scope");
        c.put("scp", List.of("User.Read", "Mail.Send"));
        assertThat(((AuthResult.Authenticated) eval(p, c)).scopes()).as("Entra ID, Okta")
                .containsExactly("User.Read", "Mail.Send");
        c.put("scp", "User.Read Mail.Send");
        assertThat(((AuthResult.Authenticated) eval(p, c)).scopes()).containsExactly("User.Read", "Mail.Send");
    }

    @Test
    void malformedScopeClaimsAreRefused() {
        ClaimsPolicy p = policy(null, List.of());
        List<Map<String, Object>> bad = new java.util.ArrayList<>();
        Map<String, Object> both = claims();
        both.put("scope", "a");
        both.put("scp", List.of("a"));
        bad.add(both);
        for (Object value : List.of(List.of("a", "b"), 7, Map.of("a", true), "a \"b\"", "caf\u00e9")) {
            Map<String, Object> c = claims();
            c.put("scope", value);
            bad.add(c);
        }
        for (Object value : List.of(List.of("a", 1), List.of("a b"), 7, List.of(""))) {
            Map<String, Object> c = claims();
            c.put("scp", value);
            bad.add(c);
        }
        for (Map<String, Object> c : bad) {
            assertThat(reason(eval(p, c))).as("%s", c).isEqualTo(RejectReason.BAD_SCOPE_CLAIM);
        }
    }
}
