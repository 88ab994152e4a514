package io.runagents.ingress.core.testing;

import static io.runagents.ingress.core.testing.StubAuthorizationServerTest.PROXY;
import static io.runagents.ingress.core.testing.StubAuthorizationServerTest.consentAndExchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.runagents.ingress.core.demo.authserver.TokenSettings.RefreshTokens;
import io.runagents.ingress.core.testing.OAuthTestClient.Answer;
import io.runagents.ingress.core.testing.OAuthTestClient.Pkce;
import io.runagents.ingress.jwt.testing.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stub's levers: each failure switch answers as named and touches no grant, the gate holds requests until
 * released, token answers follow the settings, and concurrent refreshes of one token rotate it exactly once.
 */
class StubAuthorizationServerSwitchesTest {
    private final MutableClock clock = MutableClock.atFixedStart();
    private final OAuthTestClient proxy = new OAuthTestClient(PROXY);
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private StubAuthorizationServer stub;

    @BeforeEach
    void start() throws Exception {
        stub = new StubAuthorizationServer(clock).register(PROXY);
    }

    @AfterEach
    void stop() {
        stub.close();
        callers.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(value = TokenEndpointFailure.class, mode = EnumSource.Mode.EXCLUDE, names = {"NONE", "HANG"})
    void aFailureSwitchAnswersAsNamedAndLeavesTheCodeRedeemable(TokenEndpointFailure failure) throws Exception {
        Pkce pkce = Pkce.random();
        String code = stub.consent(proxy.authorizationUrl(stub.authorizationUrl(), "a", "s", pkce, Map.of())).code();

        stub.tokenFailure(failure);
        Answer answer = proxy.exchangeCode(stub.tokenUrl(), code, pkce.verifier());
        switch (failure) {
            case SERVER_ERROR -> assertThat(answer.status()).isEqualTo(500);
            case TOO_MANY_REQUESTS -> {
                assertThat(answer.status()).isEqualTo(429);
                assertThat(answer.header("Retry-After")).isEqualTo("30");
            }
            case INVALID_CLIENT -> assertError(answer, 401, "invalid_client");
            case UNAUTHORIZED_CLIENT -> assertError(answer, 400, "unauthorized_client");
            case INVALID_GRANT -> assertError(answer, 400, "invalid_grant");
            case ERROR_WITH_200 -> assertError(answer, 200, "bad_verification_code");
            case NOT_JSON -> {
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.body()).startsWith("<html>");
            }
            case NO_ACCESS_TOKEN -> assertThat(answer.json()).containsEntry("token_type", "Bearer")
                    .doesNotContainKey("access_token");
            case NOT_BEARER -> assertThat(answer.json()).containsEntry("token_type", "mac").containsKey("access_token");
            case OVERSIZED, OVERSIZED_CHUNKED -> {
                assertThat(answer.body().getBytes(StandardCharsets.UTF_8)).hasSize(TokenEndpointFailure.OVERSIZED_BYTES);
                assertThat(answer.json()).containsEntry("token_type", "Bearer").containsKey("access_token");
                assertThat(answer.header("Content-Length")).isEqualTo(failure == TokenEndpointFailure.OVERSIZED
                        ? String.valueOf(TokenEndpointFailure.OVERSIZED_BYTES) : null);
            }
            default -> throw new AssertionError(failure);
        }
        assertThat(stub.codeExchanges()).isZero();
        assertThat(stub.tokenRequests("authorization_code")).isEqualTo(1);

        stub.tokenFailure(TokenEndpointFailure.NONE);
        assertThat(proxy.exchangeCode(stub.tokenUrl(), code, pkce.verifier()).status()).isEqualTo(200);
    }

    private static void assertError(Answer answer, int status, String error) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.json()).containsEntry("error", error).doesNotContainKey("access_token");
    }

    @Test
    void aHangingTokenEndpointAnswersNothingUntilReleasedAndThenTouchesNoGrant() throws Exception {
        Answer tokens = consentAndExchange(stub, proxy, "a");
        stub.tokenFailure(TokenEndpointFailure.HANG);

        Future<Answer> refresh = callers.submit(() -> proxy.refresh(stub.tokenUrl(), tokens.json("refresh_token"),
                Map.of()));
        await().until(() -> stub.waiting() == 1);
        assertThat(refresh).isNotDone();

        stub.release();
        assertThat(refresh.get(10, TimeUnit.SECONDS).status()).isEqualTo(503);
        stub.tokenFailure(TokenEndpointFailure.NONE);
        assertThat(proxy.refresh(stub.tokenUrl(), tokens.json("refresh_token"), Map.of()).status()).isEqualTo(200);
    }

    @Test
    void heldRequestsAreAnsweredForRealOnceReleased() throws Exception {
        Answer tokens = consentAndExchange(stub, proxy, "a");
        stub.hold();

        Future<Answer> refresh = callers.submit(() -> proxy.refresh(stub.tokenUrl(), tokens.json("refresh_token"),
                Map.of()));
        Future<Answer> revoke = callers.submit(() -> proxy.revoke(stub.revocationUrl(), tokens.json("access_token"),
                null));
        await().until(() -> stub.waiting() == 2);
        assertThat(refresh).isNotDone();

        stub.release();
        assertThat(refresh.get(10, TimeUnit.SECONDS).json()).containsKeys("access_token", "refresh_token");
        assertThat(revoke.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(stub.refreshes()).isEqualTo(1);
        assertThat(stub.revocations()).hasSize(1);
    }

    @Test
    void fiftyConcurrentRefreshesOfOneTokenRotateItExactlyOnce() throws Exception {
        String refreshToken = consentAndExchange(stub, proxy, "a").json("refresh_token");
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Callable<Answer> call = () -> {
                start.await();
                return proxy.refresh(stub.tokenUrl(), refreshToken, Map.of());
            };
            answers.add(callers.submit(call));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Answer> answer : answers) {
            statuses.add(answer.get(30, TimeUnit.SECONDS).status());
        }
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 400).hasSize(49);
        assertThat(stub.refreshes()).isEqualTo(1);
        assertThat(stub.tokenRequests("refresh_token")).isEqualTo(50);
    }

    @Test
    void refreshTokensCanBeKeptOrNeverIssued() throws Exception {
        stub.tokenSettings(s -> s.withRefreshTokens(RefreshTokens.KEEP));
        String kept = consentAndExchange(stub, proxy, "a").json("refresh_token");
        for (int i = 0; i < 2; i++) {
            Answer refreshed = proxy.refresh(stub.tokenUrl(), kept, Map.of());
            assertThat(refreshed.status()).isEqualTo(200);
            assertThat(refreshed.json()).containsKey("access_token").doesNotContainKey("refresh_token");
        }

        stub.tokenSettings(s -> s.withRefreshTokens(RefreshTokens.NONE));
        assertThat(consentAndExchange(stub, proxy, "a").json()).containsKey("access_token")
                .doesNotContainKey("refresh_token");
    }

    @Test
    void expiresInMayBeLeftOutAndTheGrantedScopeMayDifferFromTheAskedOne() throws Exception {
        stub.tokenSettings(s -> s.withSendExpiresIn(false).withGrantedScope("files.read files.write"));
        Answer tokens = consentAndExchange(stub, proxy, "a");
        assertThat(tokens.json()).doesNotContainKey("expires_in").containsEntry("scope", "files.read files.write");

        stub.tokenSettings(s -> s.withGrantedScope(null));
        Answer narrowed = proxy.refresh(stub.tokenUrl(), tokens.json("refresh_token"), Map.of("scope", "files.write"));
        assertThat(narrowed.json()).containsEntry("scope", "files.write");
        Answer widened = proxy.refresh(stub.tokenUrl(), narrowed.json("refresh_token"), Map.of("scope", "admin"));
        assertError(widened, 400, "invalid_scope");
    }

    @Test
    void aRefreshMayNameTheGrantsResourceAndNoOther() throws Exception {
        Pkce pkce = Pkce.random();
        URI url = proxy.authorizationUrl(stub.authorizationUrl(), "a", "s", pkce,
                Map.of("resource", "https://drive.example/"));
        String code = stub.consent(url).code();
        Answer tokens = proxy.exchangeCode(stub.tokenUrl(), code, pkce.verifier());

        Answer refreshed = proxy.refresh(stub.tokenUrl(), tokens.json("refresh_token"),
                Map.of("resource", "https://drive.example/"));
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(stub.lastTokenRequest().form()).containsEntry("resource", "https://drive.example/");
        assertThat(stub.lastTokenRequest().header("accept")).isEqualTo("application/json");
        assertError(proxy.refresh(stub.tokenUrl(), refreshed.json("refresh_token"),
                Map.of("resource", "https://other.example/")), 400, "invalid_target");
        assertThat(proxy.refresh(stub.tokenUrl(), refreshed.json("refresh_token"), Map.of()).status())
                .as("a refused refresh rotates nothing").isEqualTo(200);
    }

    @Test
    void anAccountRevokedAtTheProviderGetsInvalidGrant() throws Exception {
        Answer tokens = consentAndExchange(stub, proxy, "alice-at-drive");
        assertThat(stub.revokeAccount("alice-at-drive")).isEqualTo(1);

        assertError(proxy.refresh(stub.tokenUrl(), tokens.json("refresh_token"), Map.of()), 400, "invalid_grant");
        assertThat(proxy.get(URI.create(stub.toolBaseUrl() + "/whoami"), tokens.json("access_token")).status())
                .isEqualTo(401);
    }

    @Test
    void aFailingRevocationEndpointRevokesNothing() throws Exception {
        Answer tokens = consentAndExchange(stub, proxy, "a");
        stub.revocationFailure(TokenEndpointFailure.SERVER_ERROR);

        assertThat(proxy.revoke(stub.revocationUrl(), tokens.json("refresh_token"), null).status()).isEqualTo(500);
        assertThat(stub.revocations()).isEmpty();
        assertThat(stub.revocationRequests()).isEqualTo(1);
        assertThat(stub.accountOf(tokens.json("access_token"))).contains("a");
    }
}
