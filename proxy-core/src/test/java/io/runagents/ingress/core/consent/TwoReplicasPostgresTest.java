package io.runagents.ingress.core.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.runagents.ingress.core.demo.authserver.IssuedTokens;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.ConsentFixture;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAuthorizationServer;
import io.runagents.ingress.core.testing.StubToolEndpoint;
import io.runagents.ingress.tokenstore.testing.SharedPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two proxies on one real PostgreSQL database (SPEC section 8: "a refresh for one grant runs once at a time across
 * every replica sharing the store"; "a revoked grant is used by no replica 5 s later"), over real sockets: the
 * stub authorization server counts the refreshes it is asked for.
 */
class TwoReplicasPostgresTest {
    private static final String WHOAMI = "/tools/" + ConsentFixture.TOOL + "/whoami";
    private static final int CALLS = 50;

    private final ExecutorService callers = Executors.newFixedThreadPool(CALLS);
    private ConsentFixture fixture;
    private StubAuthorizationServer drive;
    private ProxyServer a;
    private ProxyServer b;
    private String alice;

    @BeforeEach
    void start() throws Exception {
        fixture = new ConsentFixture().tokenStore(SharedPostgres.newSchemaUrl(), "postgres", "postgres").start();
        drive = fixture.drive();
        a = fixture.proxy();
        b = fixture.startReplica();
        alice = ConsentFixture.token("alice@company.com");
    }

    @AfterEach
    void stop() throws Exception {
        try {
            fixture.assertNoSecretWritten();
        } finally {
            fixture.close();
            callers.shutdownNow();
        }
    }

    @Test
    void fiftyCallsOverBothReplicasWithAnExpiredTokenCauseOneRefreshAndAllSucceed() throws Exception {
        drive.tokenSettings(s -> s.withAccessTokenLifetime(Duration.ofSeconds(2)));
        fixture.grant(alice, "alice-at-drive");
        drive.tokenSettings(s -> s.withAccessTokenLifetime(Duration.ofHours(1)));
        IssuedTokens granted = drive.issuedTokens().get(0);
        String context = fixture.contextFor(alice);
        // Both replicas hold the granted token in memory before it expires.
        assertThat(ConsentFixture.callTool(a, context, WHOAMI).status()).isEqualTo(200);
        assertThat(ConsentFixture.callTool(b, context, WHOAMI).status()).isEqualTo(200);
        assertThat(drive.toolCalls()).extracting(c -> c.header("Authorization"))
                .containsOnly("Bearer " + granted.accessToken());
        int toolCallsBefore = drive.toolCalls().size();
        Instant expired = Instant.now().plusSeconds(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(expired));

        CountDownLatch go = new CountDownLatch(1);
        List<Future<RawHttp.Response>> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            ProxyServer replica = i % 2 == 0 ? a : b;
            calls.add(callers.submit(() -> {
                go.await();
                return ConsentFixture.callTool(replica, context, WHOAMI);
            }));
        }
        go.countDown();
        for (Future<RawHttp.Response> call : calls) {
            RawHttp.Response response = call.get(30, TimeUnit.SECONDS);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
        }

        assertThat(drive.tokenRequests("refresh_token")).as("refreshes at the authorization server").isEqualTo(1);
        IssuedTokens rotated = drive.issuedTokens().get(1);
        List<StubToolEndpoint.Call> during = drive.toolCalls().subList(toolCallsBefore, drive.toolCalls().size());
        assertThat(during).hasSize(CALLS).extracting(c -> c.header("Authorization"))
                .as("every call carried the refreshed token").containsOnly("Bearer " + rotated.accessToken());
    }

    @Test
    void aRevokeOnOneReplicaIsHonouredByTheOtherWithinFiveSeconds() throws Exception {
        fixture.grant(alice, "alice-at-drive");
        IssuedTokens granted = drive.issuedTokens().get(0);
        String context = fixture.contextFor(alice);
        assertThat(ConsentFixture.callTool(b, context, WHOAMI).status()).as("b holds the token in memory")
                .isEqualTo(200);

        RawHttp.Response revoked = fixture.delete("/oauth/grants/" + ConsentFixture.TOOL, alice);
        assertThat(revoked.status()).isIn(200, 204);
        Instant revokedAt = Instant.now();
        await().untilAsserted(() -> assertThat(drive.revocations()).extracting(StubAuthorizationServer.Revocation::token)
                .contains(granted.refreshToken()));

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> ConsentFixture.callTool(b, context, WHOAMI).status() == 401);
        assertThat(Duration.between(revokedAt, Instant.now())).isLessThan(Duration.ofSeconds(5));
        RawHttp.Response after = ConsentFixture.callTool(b, context, WHOAMI);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.body()).contains("\"error\":\"consent_required\"");
        assertThat(ConsentFixture.callTool(a, context, WHOAMI).status()).isEqualTo(401);
    }
}
