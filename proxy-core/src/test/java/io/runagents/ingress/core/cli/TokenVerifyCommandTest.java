package io.runagents.ingress.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import io.runagents.ingress.core.server.LiveProxy;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runagents token verify} through the real entry point, against a stub JWKS. */
class TokenVerifyCommandTest {
    private static final RSAKey KEY = TestKeys.rsa();
    private static final String HOST = "portal.example.test";
    private static final String PROVIDER = """
            name: %s
            spec:
              host: %s
              identityProvider:
                issuer: %s
                jwksUri: %s
                audiences: [%s]
              userIDClaim: email
              allowedDomains: [company.com]
            """;

    @TempDir
    Path conf;
    @TempDir
    Path tmp;
    private StubJwksServer jwks;

    @BeforeEach
    void start() throws Exception {
        jwks = new StubJwksServer().jwks(TestKeys.jwks(KEY));
        write(conf, "identity-providers/corp.yaml", provider("corp", HOST, TestTokens.ISSUER));
    }

    @AfterEach
    void stop() {
        jwks.close();
    }

    private String provider(String name, String host, String issuer) {
        return PROVIDER.formatted(name, host, issuer, jwks.uri(), TestTokens.AUDIENCE);
    }

    private static void write(Path dir, String relative, String text) throws Exception {
        Files.createDirectories(dir.resolve(relative).getParent());
        Files.writeString(dir.resolve(relative), text);
    }

    private ResourceCommandsTest.Run verify(String token, String... more) {
        String[] args = new String[5 + more.length];
        args[0] = "token";
        args[1] = "verify";
        args[2] = token;
        args[3] = "--config";
        args[4] = conf.toString();
        System.arraycopy(more, 0, args, 5, more.length);
        return ResourceCommandsTest.run(args);
    }

    @Test
    void aValidTokenPassesEveryCheck() {
        ResourceCommandsTest.Run run = verify(TestTokens.signedBy(KEY).sign(), "--host", HOST);
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("pass  signature").contains("pass  issuer").contains("pass  audience")
                .contains("pass  expiry").contains("pass  allowed domain").endsWith("accepted\n");
    }

    @Test
    void namesEachFailingCheck() {
        ResourceCommandsTest.Run expired = verify(TestTokens.signedBy(KEY).at(Instant.now().minusSeconds(7200)).sign());
        assertThat(expired.exit()).isEqualTo(1);
        assertThat(expired.out()).contains("fail  expiry          token expired").contains("pass  signature")
                .endsWith("refused\n");
        ResourceCommandsTest.Run audience = verify(TestTokens.signedBy(KEY).claim("aud", "someone-else").sign());
        assertThat(audience.out()).contains("fail  audience        audience mismatch").contains("pass  expiry");
        ResourceCommandsTest.Run domain = verify(TestTokens.signedBy(KEY).claim("email", "eve@evil.com").sign());
        assertThat(domain.out()).contains("fail  allowed domain  email domain not allowed");
        ResourceCommandsTest.Run forged = verify(TestTokens.signedBy(TestKeys.attackerRsa())
                .header("kid", KEY.getKeyID()).sign());
        assertThat(forged.out()).contains("fail  signature").contains("(claims not verified)");
    }

    @Test
    void unknownProviderIsRefused() {
        ResourceCommandsTest.Run run = verify(TestTokens.signedBy(KEY).sign(), "--provider", "nope");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("identity-provider \"nope\" not found");
    }

    @Test
    void theSizeLimitIsTheConfsMaxTokenBytes() throws Exception {
        write(conf, "proxy.yaml", "limits: { maxTokenBytes: 256 }\n");
        String token = TestTokens.signedBy(KEY).sign();
        ResourceCommandsTest.Run run = verify(token, "--host", HOST);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("fail  size            " + token.length() + " bytes (limit 256)")
                .contains("pass  signature").endsWith("refused\n");
    }

    @Test
    void aConfTheIngressWouldNotServeIsReportedNotChecked() throws Exception {
        write(conf, "agents/broken.yaml", "name: broken\nspec:\n  upstream: ftp://x\n");
        ResourceCommandsTest.Run run = verify(TestTokens.signedBy(KEY).sign(), "--host", HOST);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("agents/broken.yaml:3:13: spec.upstream:");
    }

    @Test
    void theKeyFetchGivesUpAfterTheConfsFetchTimeout() throws Exception {
        write(conf, "proxy.yaml", "jwks: { fetchTimeoutMillis: 200 }\n");
        jwks.hold();
        // The default timeout is 3 s: finishing well before shows the conf's 200 ms was used.
        ResourceCommandsTest.Run run = assertTimeout(Duration.ofMillis(2500),
                () -> verify(TestTokens.signedBy(KEY).sign(), "--host", HOST));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("fail  keys            cannot fetch " + jwks.uri()).endsWith("refused\n");
    }

    @Test
    void theHostIsComparedWithoutPortAndCase() throws Exception {
        write(conf, "identity-providers/other.yaml", provider("other", "other.example.test", "https://other.test"));
        ResourceCommandsTest.Run run = verify(TestTokens.signedBy(KEY).sign(), "--host", "PORTAL.Example.test:8443");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("identity provider: corp ").endsWith("accepted\n");
        assertThat(verify(TestTokens.signedBy(KEY).sign(), "--host", "bad host").exit()).isEqualTo(2);
    }

    @Test
    void theOnlyProviderServesAHostNoProviderNames() {
        ResourceCommandsTest.Run run = verify(TestTokens.signedBy(KEY).sign(), "--host", "unknown.test");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("identity provider: corp ").endsWith("accepted\n");
    }

    @Test
    void aTokenNoneOfTheHostsProvidersIssuedFailsTheIssuerCheck() throws Exception {
        write(conf, "identity-providers/partner.yaml", provider("partner", HOST, "https://partner.test"));
        ResourceCommandsTest.Run run = verify(TestTokens.signedBy(KEY).claim("iss", "https://elsewhere.test").sign(),
                "--host", HOST);
        assertThat(run.exit()).isEqualTo(1);
        // As at the ingress, the host's first provider checks it and refuses it as an issuer mismatch.
        assertThat(run.out()).startsWith("identity provider: corp ").contains("pass  signature")
                .contains("fail  issuer").contains("pass  expiry").endsWith("refused\n");
        ResourceCommandsTest.Run nobody = verify(TestTokens.signedBy(KEY).sign(), "--host", "unknown.test");
        assertThat(nobody.exit()).isEqualTo(1);
        assertThat(nobody.err()).contains("no identity provider has host unknown.test");
    }

    @Test
    void throughARunningProxyTheAnswerIsTheIngresss() throws Exception {
        try (LiveProxy live = LiveProxy.start(tmp, null)) {
            String proxyYaml = Files.readString(live.conf.resolve("proxy.yaml"));
            live.write("proxy.yaml", proxyYaml + "limits: { maxTokenBytes: 1024 }\n")
                    .write("identity-providers/corp.yaml", provider("corp", HOST, TestTokens.ISSUER))
                    .write("identity-providers/partner.yaml", provider("partner", HOST, "https://partner.test"))
                    .write("agents/secure.yaml", """
                            name: secure
                            spec:
                              host: %s
                              pathPrefix: /secure
                              upstream: %s
                            """.formatted(HOST, live.agent.uri()));
            await().atMost(Duration.ofSeconds(10)).until(() -> live.store.current().agent("secure").isPresent()
                    && live.store.current().proxy().limits().maxTokenBytes() == 1024);
            String fits = TestTokens.signedBy(KEY).sign();
            String tooLong = TestTokens.signedBy(KEY).claim("pad", "x".repeat(600)).sign();
            String foreign = TestTokens.signedBy(KEY).claim("iss", "https://elsewhere.test").sign();
            assertSameAnswer(live, fits, HOST + ":8080", 200);
            assertSameAnswer(live, tooLong, HOST, 400);
            assertSameAnswer(live, foreign, HOST, 401);
            assertThat(ResourceCommandsTest.run("token", "verify", tooLong, "--server", live.adminUrl()).out())
                    .contains("fail  size            " + tooLong.length() + " bytes (limit 1024)");
        }
    }

    /** The ingress answers {@code status} for the token on {@code host}; the command accepts it exactly when 200. */
    private static void assertSameAnswer(LiveProxy live, String token, String host, int status) throws Exception {
        RawHttp.Response ingress = RawHttp.get(live.server.ingressAddress(), host, "/secure/x",
                "Authorization: Bearer " + token);
        assertThat(ingress.status()).isEqualTo(status);
        ResourceCommandsTest.Run run = ResourceCommandsTest.run("token", "verify", token, "--host", host,
                "--server", live.adminUrl());
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(status == 200 ? 0 : 1);
    }

    @Test
    void aServerThatDoesNotReportItsLimitsIsAssumedToUseTheDefaults() throws Exception {
        HttpServer admin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        respond(admin, "/admin/identity-providers", provider("corp", HOST, TestTokens.ISSUER));
        respond(admin, "/admin/config", "{\"version\": 1}");
        admin.start();
        try {
            ResourceCommandsTest.Run run = ResourceCommandsTest.run("token", "verify", TestTokens.signedBy(KEY).sign(),
                    "--server", "http://127.0.0.1:" + admin.getAddress().getPort());
            assertThat(run.exit()).isZero();
            assertThat(run.out()).contains("note: the server does not report its limits; assumed the defaults"
                    + " (maxTokenBytes 8192, jwks.fetchTimeoutMillis 3000)").contains("(limit 8192)");
        } finally {
            admin.stop(0);
        }
    }

    private static void respond(HttpServer server, String path, String body) {
        server.createContext(path, exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (exchange) {
                exchange.getResponseBody().write(bytes);
            }
        });
    }
}
