package io.runagents.ingress.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.JwksSettings;
import io.runagents.ingress.jwt.testing.AuthHarness;
import io.runagents.ingress.jwt.testing.HostileTokens;
import io.runagents.ingress.jwt.testing.Json;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.runagents.ingress.jwt.RejectReason.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every SPEC section 3 rejection rule, as a table of hostile tokens through the production path
 * ({@link JwtAuthenticator} against a stub JWKS endpoint). A null expectation means the token must be accepted:
 * the near misses prove each check is not simply refusing everything.
 */
class AttackCorpusTest {

    static AuthHarness harness;
    static Instant now;
    static ServerSocket attackerServer;
    static final AtomicInteger attackerConnections = new AtomicInteger();

    record Case(String name, Supplier<String> token, RejectReason expected) {
        @Override
        public String toString() {
            return name + " -> " + (expected == null ? "accepted" : expected);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        harness = AuthHarness.start(uri -> new IdentityProvider(AuthHarness.PROVIDER, "portal.example.test",
                        TestTokens.ISSUER, uri, List.of(TestTokens.AUDIENCE), IdentityProvider.DEFAULT_ALGORITHMS, 60,
                        null, "sub", List.of("company.com", "kelvin.io", "sso.dev"), "groups", false,
                        Map.of("department", "X-Department")),
                JwksSettings.DEFAULTS, null,
                TestKeys.jwks(TestKeys.rsa(), TestKeys.ec256(), TestKeys.ec384(), TestKeys.ec521()), true);
        now = harness.clock.instant();
        attackerServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!attackerServer.isClosed()) {
                try {
                    Socket s = attackerServer.accept();
                    attackerConnections.incrementAndGet();
                    s.close();
                } catch (Exception e) {
                    return;
                }
            }
        }, "attacker-jku");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
        attackerServer.close();
    }

    static TestTokens.Builder rsa() {
        return TestTokens.signedBy(TestKeys.rsa()).at(now).claim("sub", "alice").claim("department", "R&D");
    }

    static String attackerUrl() {
        return "http://127.0.0.1:" + attackerServer.getLocalPort() + "/jwks.json";
    }

    static String header(String alg, String kid) {
        return Json.write(Map.of("alg", alg, "kid", kid));
    }

    static String claims() {
        return rsa().claimsJson();
    }

    static Case ok(String name, Supplier<String> token) {
        return new Case(name, token, null);
    }

    static Case no(String name, RejectReason reason, Supplier<String> token) {
        return new Case(name, token, reason);
    }

    static Stream<Case> corpus() {
        List<Case> c = new ArrayList<>();
        // Controls: every supported algorithm and key type is accepted.
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
                JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512)) {
            c.add(ok("valid " + alg, () -> rsa().alg(alg).sign()));
        }
        c.add(ok("valid ES256", () -> TestTokens.signedBy(TestKeys.ec256()).at(now).claim("sub", "a").sign()));
        c.add(ok("valid ES384", () -> TestTokens.signedBy(TestKeys.ec384()).at(now).claim("sub", "a").sign()));
        c.add(ok("valid ES512", () -> TestTokens.signedBy(TestKeys.ec521()).at(now).claim("sub", "a").sign()));

        // Missing and malformed.
        c.add(no("null token", MISSING, () -> null));
        c.add(no("empty token", MISSING, () -> ""));
        c.add(no("1 MB token", TOO_LARGE, () -> "a".repeat(1 << 20)));
        c.add(no("two segments", MALFORMED, () -> rsa().sign().substring(0, rsa().sign().lastIndexOf('.'))));
        c.add(no("four segments", MALFORMED, () -> rsa().sign() + ".AAAA"));
        c.add(no("empty signature", MALFORMED, () -> rsa().sign().replaceAll("\\.[^.]*$", ".")));
        c.add(no("padded base64", MALFORMED, () -> HostileTokens.padded(rsa().sign())));
        c.add(no("leading space", MALFORMED, () -> " " + rsa().sign()));
        c.add(no("trailing newline", MALFORMED, () -> rsa().sign() + "\n"));
        c.add(no("space inside", MALFORMED, () -> rsa().sign().replaceFirst("\\.", " .")));
        c.add(no("standard alphabet", MALFORMED, () -> HostileTokens.standardAlphabet(rsa().sign())));
        c.add(no("non-canonical trailing bits", MALFORMED, () -> nonCanonical()));
        c.add(no("non-ASCII character", MALFORMED, () -> rsa().sign().replaceFirst("\\.", "\u00e9.")));
        c.add(no("header is an array", MALFORMED, () -> rsa().rawHeader("[\"RS256\"]").sign()));
        c.add(no("alg not a string", MALFORMED, () -> rsa().header("alg", List.of("RS256")).sign()));
        c.add(no("duplicate header alg", MALFORMED,
                () -> rsa().rawHeader("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"alg\":\"none\"}").sign()));
        c.add(no("deeply nested header", MALFORMED,
                () -> rsa().rawHeader("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"x\":" + "[".repeat(1000)
                        + "]".repeat(1000) + "}").sign()));
        c.add(no("deeply nested claims", MALFORMED, () -> rsa().rawClaims(claims().replaceFirst("\\{",
                "{\"deep\":" + "[".repeat(1000) + "]".repeat(1000) + ",")).sign()));

        // alg none in every casing, with and without a signature.
        for (String none : List.of("none", "None", "NONE", "nOnE")) {
            c.add(no("alg " + none + " empty signature", MALFORMED,
                    () -> TestTokens.assemble(header(none, "rsa-1"), claims(), "")));
            c.add(no("alg " + none + " junk signature", ALG_NOT_ALLOWED,
                    () -> TestTokens.assemble(header(none, "rsa-1"), claims(), "AAAA")));
        }
        c.add(no("alg lower case rs256", ALG_NOT_ALLOWED, () -> rsa().header("alg", "rs256").sign()));
        c.add(no("alg ES256K", ALG_NOT_ALLOWED, () -> rsa().header("alg", "ES256K").sign()));

        // HS256 keyed with the RSA public key, in every textual form a library might use.
        RSAKey pub = TestKeys.rsa().toPublicJWK();
        c.add(no("HS256 with public key PEM", ALG_NOT_ALLOWED,
                () -> TestTokens.hmac(HostileTokens.pem(pub).getBytes(StandardCharsets.US_ASCII), header("HS256", "rsa-1"), claims())));
        c.add(no("HS256 with public key DER", ALG_NOT_ALLOWED,
                () -> TestTokens.hmac(HostileTokens.der(pub), header("HS256", "rsa-1"), claims())));
        c.add(no("HS256 with public key JWK", ALG_NOT_ALLOWED,
                () -> TestTokens.hmac(pub.toJSONString().getBytes(StandardCharsets.UTF_8), header("HS256", "rsa-1"),
                        claims())));

        // Keys from the token itself are never used.
        c.add(no("embedded jwk, our kid", BAD_SIGNATURE, () -> TestTokens.signedBy(TestKeys.attackerRsa()).at(now)
                .claim("sub", "a").header("kid", "rsa-1").header("jwk", TestKeys.attackerRsa().toPublicJWK().toJSONObject())
                .sign()));
        c.add(no("embedded jwk, its kid", UNKNOWN_KEY, () -> TestTokens.signedBy(TestKeys.attackerRsa()).at(now)
                .claim("sub", "a").header("jwk", TestKeys.attackerRsa().toPublicJWK().toJSONObject()).sign()));
        c.add(no("embedded jwk, no kid", UNKNOWN_KEY, () -> TestTokens.signedBy(TestKeys.attackerRsa()).at(now)
                .claim("sub", "a").header("kid", null)
                .header("jwk", TestKeys.attackerRsa().toPublicJWK().toJSONObject()).sign()));
        c.add(no("jku to attacker", UNKNOWN_KEY, () -> TestTokens.signedBy(TestKeys.attackerRsa()).at(now)
                .claim("sub", "a").header("jku", attackerUrl()).sign()));
        c.add(no("jku to attacker, our kid", BAD_SIGNATURE, () -> TestTokens.signedBy(TestKeys.attackerRsa()).at(now)
                .claim("sub", "a").header("kid", "rsa-1").header("jku", attackerUrl()).sign()));
        c.add(no("x5u to attacker", UNKNOWN_KEY, () -> TestTokens.signedBy(TestKeys.attackerRsa()).at(now)
                .claim("sub", "a").header("x5u", attackerUrl()).sign()));
        c.add(no("x5c junk, our kid", BAD_SIGNATURE, () -> TestTokens.signedBy(TestKeys.attackerRsa()).at(now)
                .claim("sub", "a").header("kid", "rsa-1").header("x5c", List.of("MIIB")).sign()));

        // kid injection and non-string kids (signed with the real key, so only the kid is wrong).
        for (String kid : List.of("../../../../dev/null", "' OR '1'='1", "rsa-1\u0000", "rsa-1 ", "RSA-1", "",
                "rsa-1\" , \"x", "http://127.0.0.1/x", "rsa-1|ec-256", "*")) {
            c.add(no("kid " + kid.replace("\u0000", "\\0"), UNKNOWN_KEY, () -> rsa().header("kid", kid).sign()));
        }
        c.add(no("kid number", MALFORMED, () -> rsa().header("kid", 1).sign()));
        c.add(no("kid array", MALFORMED, () -> rsa().header("kid", List.of("rsa-1")).sign()));
        c.add(no("kid object", MALFORMED, () -> rsa().header("kid", Map.of("kid", "rsa-1")).sign()));
        c.add(no("kid null", MALFORMED, () -> rsa().header("kid", new Json.Raw("null")).sign()));
        c.add(no("kid true", MALFORMED, () -> rsa().header("kid", true).sign()));
        c.add(no("no kid, several keys", UNKNOWN_KEY, () -> rsa().header("kid", null).sign()));

        // Algorithm and key type.
        c.add(no("RS256 claimed for an EC key", KEY_MISMATCH, () -> rsa().header("kid", "ec-256").sign()));
        c.add(no("ES384 claimed for a P-256 key", KEY_MISMATCH, () -> TestTokens.signedBy(TestKeys.ec384()).at(now)
                .claim("sub", "a").header("kid", "ec-256").sign()));

        // Signatures.
        c.add(no("modified payload", BAD_SIGNATURE, () -> HostileTokens.swapPayload(rsa().sign(), rsa().claim("sub", "root").sign())));
        c.add(no("truncated signature", BAD_SIGNATURE, () -> HostileTokens.truncateSignature(rsa().sign())));
        c.add(no("ES256 all-zero signature", BAD_SIGNATURE,
                () -> TestTokens.assemble(header("ES256", "ec-256"), claims(), TestTokens.b64(new byte[64]))));
        c.add(no("ES256 r = s = n", BAD_SIGNATURE,
                () -> TestTokens.assemble(header("ES256", "ec-256"), claims(), TestTokens.b64(HostileTokens.rEqualsSEqualsN()))));
        c.add(no("ES256 DER signature", BAD_SIGNATURE, () -> HostileTokens.derSignature(TestTokens.signedBy(TestKeys.ec256()).at(now).claim("sub", "a").sign())));

        // Headers the proxy does not understand.
        c.add(no("unknown crit", UNKNOWN_CRIT,
                () -> rsa().header("crit", List.of("exp")).header("exp", 1).sign()));
        c.add(no("crit b64 false", UNKNOWN_CRIT,
                () -> rsa().header("b64", false).header("crit", List.of("b64")).sign()));
        c.add(no("b64 false without crit", UNKNOWN_CRIT, () -> rsa().header("b64", false).sign()));
        c.add(no("empty crit", UNKNOWN_CRIT, () -> rsa().header("crit", List.of()).sign()));

        // Encrypted and nested tokens.
        c.add(no("JWE", UNSUPPORTED_JWE, () -> TestTokens.b64("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}")
                + "..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA"));
        c.add(no("PBES2 JWE with huge p2c", UNSUPPORTED_JWE, HostileTokens::pbes2));
        c.add(no("enc in a three-part token", UNSUPPORTED_JWE, () -> rsa().header("enc", "A256GCM").sign()));
        c.add(no("nested JWT", NESTED, () -> rsa().header("cty", "JWT").rawClaims(rsa().sign()).sign()));
        c.add(no("nested JWT, JSON payload", NESTED, () -> rsa().header("cty", "jwt").sign()));

        // Duplicate claims.
        c.add(no("duplicate sub", DUPLICATE_CLAIM,
                () -> rsa().rawClaims(claims().replaceFirst("\\{", "{\"sub\":\"root\",")).sign()));
        c.add(no("duplicate iss", DUPLICATE_CLAIM,
                () -> rsa().rawClaims(claims().replaceFirst("\\{", "{\"iss\":\"https://evil.test\",")).sign()));
        c.add(no("duplicate nested member", DUPLICATE_CLAIM,
                () -> rsa().claim("ctx", new Json.Raw("{\"a\":1,\"a\":2}")).sign()));

        // Time.
        c.add(no("expired", EXPIRED, () -> rsa().at(now.minusSeconds(7200)).sign()));
        c.add(ok("expired within skew", () -> rsa().claim("exp", now.getEpochSecond() - 30).sign()));
        c.add(no("expired at the skew edge", EXPIRED, () -> rsa().claim("exp", now.getEpochSecond() - 60).sign()));
        c.add(no("not yet valid", NOT_YET_VALID, () -> rsa().claim("nbf", now.getEpochSecond() + 120).sign()));
        c.add(ok("nbf within skew", () -> rsa().claim("nbf", now.getEpochSecond() + 30).sign()));
        c.add(no("iat in the future", ISSUED_IN_FUTURE, () -> rsa().claim("iat", now.getEpochSecond() + 120).sign()));
        c.add(no("missing exp", MISSING_EXP, () -> rsa().claim("exp", null).sign()));
        c.add(no("exp as string", INVALID_CLAIM, () -> rsa().claim("exp", "" + (now.getEpochSecond() + 3600)).sign()));
        c.add(no("exp null", INVALID_CLAIM, () -> rsa().claim("exp", new Json.Raw("null")).sign()));
        c.add(no("exp 1e400", INVALID_CLAIM, () -> rsa().claim("exp", new Json.Raw("1e400")).sign()));
        c.add(no("exp 1e300", INVALID_CLAIM, () -> rsa().claim("exp", new Json.Raw("1e300")).sign()));
        c.add(no("exp 20 digits", INVALID_CLAIM, () -> rsa().claim("exp", new Json.Raw("99999999999999999999")).sign()));
        c.add(no("exp negative", INVALID_CLAIM, () -> rsa().claim("exp", -1).sign()));
        c.add(no("nbf as string", INVALID_CLAIM, () -> rsa().claim("nbf", "0").sign()));
        c.add(ok("exp fractional", () -> rsa().claim("exp", new Json.Raw((now.getEpochSecond() + 600) + ".5")).sign()));

        // Audience forms.
        c.add(ok("aud array containing ours", () -> rsa().claim("aud", List.of("other", TestTokens.AUDIENCE)).sign()));
        c.add(ok("aud array with a non-string", () -> rsa().claim("aud", List.of(1, TestTokens.AUDIENCE)).sign()));
        c.add(no("aud array without ours", AUDIENCE, () -> rsa().claim("aud", List.of("other", "another")).sign()));
        c.add(no("aud other string", AUDIENCE, () -> rsa().claim("aud", "other").sign()));
        c.add(no("aud different case", AUDIENCE, () -> rsa().claim("aud", "PORTAL.example.test").sign()));
        c.add(no("aud missing", AUDIENCE, () -> rsa().claim("aud", null).sign()));
        c.add(no("aud number", AUDIENCE, () -> rsa().claim("aud", 1).sign()));
        c.add(no("aud object", AUDIENCE, () -> rsa().claim("aud", Map.of("aud", TestTokens.AUDIENCE)).sign()));

        // Issuer.
        c.add(no("issuer with trailing slash", ISSUER, () -> rsa().claim("iss", TestTokens.ISSUER + "/").sign()));
        c.add(no("issuer upper case scheme", ISSUER,
                () -> rsa().claim("iss", TestTokens.ISSUER.replace("https", "HTTPS")).sign()));
        c.add(no("issuer missing", ISSUER, () -> rsa().claim("iss", null).sign()));
        c.add(no("issuer array", ISSUER, () -> rsa().claim("iss", List.of(TestTokens.ISSUER)).sign()));

        // Allowed domains (company.com, kelvin.io, sso.dev) and email_verified.
        c.add(ok("allowed domain, other case", () -> rsa().claim("email", "Alice@Company.COM").sign()));
        for (String email : List.of("a@evil@company.com", "a@company.com.evil.com", "a@evilcompany.com",
                "a@sub.company.com", "a@\u212Aelvin.io", "a@\u017Fso.dev", "a@company.com.", "a@company.com\r\n",
                "a\r\n@company.com", "a@company.com\n", "@company.com", "a@", "company.com", "a@company.com ",
                "a@compa\u00f1y.com", "a@COMPANY.COM\u0000")) {
            c.add(no("email " + email.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0"),
                    DOMAIN_NOT_ALLOWED, () -> rsa().claim("email", email).sign()));
        }
        c.add(no("email array", DOMAIN_NOT_ALLOWED, () -> rsa().claim("email", List.of("a@company.com")).sign()));
        c.add(no("email number", DOMAIN_NOT_ALLOWED, () -> rsa().claim("email", 1).sign()));
        c.add(no("email missing", DOMAIN_NOT_ALLOWED, () -> rsa().claim("email", null).sign()));
        c.add(no("email_verified false", EMAIL_NOT_VERIFIED, () -> rsa().claim("email_verified", false).sign()));
        c.add(no("email_verified \"false\"", EMAIL_NOT_VERIFIED, () -> rsa().claim("email_verified", "false").sign()));
        c.add(ok("email_verified true", () -> rsa().claim("email_verified", true).sign()));

        // The user id claim (sub here).
        c.add(ok("user id of 256 characters", () -> rsa().claim("sub", "u".repeat(256)).sign()));
        c.add(ok("user id with non-ASCII", () -> rsa().claim("sub", "Jos\u00e9 \uD83D\uDE00").sign()));
        c.add(no("user id of 257 characters", BAD_USER_ID_CLAIM, () -> rsa().claim("sub", "u".repeat(257)).sign()));
        c.add(no("user id number", BAD_USER_ID_CLAIM, () -> rsa().claim("sub", 42).sign()));
        c.add(no("user id array", BAD_USER_ID_CLAIM, () -> rsa().claim("sub", List.of("alice")).sign()));
        c.add(no("user id empty", BAD_USER_ID_CLAIM, () -> rsa().claim("sub", "").sign()));
        c.add(no("user id missing", BAD_USER_ID_CLAIM, () -> rsa().claim("sub", null).sign()));
        c.add(no("user id with comma", BAD_USER_ID_CLAIM, () -> rsa().claim("sub", "alice,admin").sign()));
        // A header value cannot carry an outer space: the agent would read "alice", another user.
        c.add(no("user id with a leading space", BAD_USER_ID_CLAIM, () -> rsa().claim("sub", " alice").sign()));
        c.add(no("user id with a trailing space", BAD_USER_ID_CLAIM, () -> rsa().claim("sub", "alice ").sign()));
        c.add(no("user id of one space", BAD_USER_ID_CLAIM, () -> rsa().claim("sub", " ").sign()));
        c.add(no("user id with CR LF", BAD_USER_ID_CLAIM, () -> rsa().claim("sub", "alice\r\nX-Admin: 1").sign()));
        c.add(no("user id with NUL", BAD_USER_ID_CLAIM, () -> rsa().claim("sub", "alice\u0000").sign()));
        c.add(no("user id with DEL", BAD_USER_ID_CLAIM, () -> rsa().claim("sub", "alice\u007f").sign()));
        c.add(no("user id lone surrogate", BAD_USER_ID_CLAIM, () -> rsa().claim("sub", "alice\uD83D").sign()));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void corpusCase(Case c) {
        AuthResult result = harness.authenticate(c.token().get());
        if (c.expected() == null) {
            assertThat(result).isInstanceOf(AuthResult.Authenticated.class);
        } else {
            assertThat(result).isInstanceOfSatisfying(AuthResult.Rejected.class, r -> {
                assertThat(r.reason()).isEqualTo(c.expected());
                assertThat(r.forbidden()).isEqualTo(c.expected() == DOMAIN_NOT_ALLOWED
                        || c.expected() == EMAIL_NOT_VERIFIED);
                assertThat(r.description()).doesNotContain("\r", "\n", "\"");
            });
        }
    }

    @Test
    void keyHeadersNeverCauseAConnection() {
        harness.authenticate(TestTokens.signedBy(TestKeys.attackerRsa()).at(now).claim("sub", "a")
                .header("jku", attackerUrl()).header("x5u", attackerUrl()).sign());
        assertThat(attackerConnections).hasValue(0);
    }

    @Test
    void pbes2IsRefusedWithoutWork() {
        String token = HostileTokens.pbes2();
        harness.authenticate(token); // warm up
        long start = System.nanoTime();
        AuthResult result = harness.authenticate(token);
        long micros = (System.nanoTime() - start) / 1000;
        assertThat(result).isEqualTo(AuthResult.Rejected.of(UNSUPPORTED_JWE));
        assertThat(micros).isLessThan(10_000);
    }

    @Test
    void acceptedTokenCarriesIdentity() {
        AuthResult result = harness.authenticate(rsa().claim("email", "Alice@Company.com").sign());
        assertThat(result).isInstanceOfSatisfying(AuthResult.Authenticated.class, a -> {
            assertThat(a.userId()).isEqualTo("alice");
            assertThat(a.email()).isEqualTo("Alice@Company.com");
            assertThat(a.groups()).containsExactly("engineering", "staff");
            assertThat(a.provider()).isEqualTo(AuthHarness.PROVIDER);
            assertThat(a.expiresAt()).isEqualTo(now.plusSeconds(3600));
            assertThat(a.claims()).containsExactly(Map.entry("department", "R&D"));
            assertThat(a.keyId()).isEqualTo("rsa-1");
        });
    }

    @Test
    void groupsFromAString() {
        AuthResult result = harness.authenticate(rsa().claim("groups", "admins").sign());
        assertThat(((AuthResult.Authenticated) result).groups()).containsExactly("admins");
    }

    static String nonCanonical() {
        String token = HostileTokens.nonCanonical(rsa().sign());
        return token != null ? token : HostileTokens.nonCanonical(rsa().claim("pad", "x").sign());
    }
}
