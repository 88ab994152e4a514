package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.Lookup;
import io.runagents.ingress.tokenstore.PendingConsent;
import io.runagents.ingress.tokenstore.PendingGrant;
import io.runagents.ingress.tokenstore.RefreshResult;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.TokenStore;
import io.runagents.ingress.tokenstore.TokenSet;
import io.runagents.ingress.tokenstore.TokenStoreUnavailableException;
import io.runagents.ingress.tokenstore.testing.CapturedLogs;
import io.runagents.ingress.tokenstore.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pending consents and pending grants: single use, expiry, the per-user limit, and nothing kept in clear. */
abstract class ConsentStoreContract extends StoreTestBase {

    private static final Duration TTL = Duration.ofMinutes(10);

    @Test
    void aConsentIsConsumedOnceWithItsVerifier() {
        TokenStore store = open(TestKeys.K1);
        Secret state = Secret.random(32);
        Secret verifier = Secret.random(32);
        PendingConsent created = store.createConsent(ALICE, state, verifier, TTL);
        assertThat(created.expiresAt()).isEqualTo(clock.instant().plus(TTL));

        PendingConsent consumed = store.consumeConsent(state).found().orElseThrow();
        assertThat(consumed).isEqualTo(created);
        assertThat(store.consumeConsent(state)).isEqualTo(Lookup.none());
        assertThat(store.consumeConsent(Secret.random(32))).isEqualTo(Lookup.none());
    }

    @Test
    void aStateExpiresExactlyAtItsTtl() {
        TokenStore store = open(TestKeys.K1);
        Secret state = Secret.random(32);
        store.createConsent(ALICE, state, Secret.random(32), TTL);
        clock.advance(TTL.minusMillis(1));
        assertThat(store.findLiveConsent(ALICE)).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(store.findLiveConsent(ALICE)).isEmpty();
        assertThat(store.consumeConsent(state)).isEqualTo(Lookup.none());
    }

    @Test
    void aLiveConsentIsFoundForReuseNewestFirst() {
        TokenStore store = open(TestKeys.K1);
        GrantKey aliceJira = new GrantKey(ALICE.provider(), ALICE.userId(), "jira");
        store.createConsent(ALICE, Secret.random(32), Secret.random(32), TTL);
        clock.advance(Duration.ofSeconds(1));
        PendingConsent newest = store.createConsent(ALICE, Secret.random(32), Secret.random(32), TTL);
        store.createConsent(aliceJira, Secret.random(32), Secret.random(32), TTL);

        PendingConsent found = store.findLiveConsent(ALICE).orElseThrow();
        assertThat(found.state()).isEqualTo(newest.state());
        assertThat(found.verifier()).isEqualTo(newest.verifier());
        assertThat(store.findLiveConsent(new GrantKey("okta", ALICE.userId(), "github"))).isEmpty();
    }

    @Test
    void anUnreadableConsentIsPassedOverForReuseAndUsedUpWhenConsumed() throws Exception {
        TokenStore store = open(TestKeys.K1);
        PendingConsent older = store.createConsent(ALICE, Secret.random(32), Secret.random(32), TTL);
        clock.advance(Duration.ofSeconds(1));
        Secret tampered = Secret.random(32);
        store.createConsent(ALICE, tampered, Secret.random(32), TTL);
        assertThat(sql("UPDATE pending_consents SET verifier = state WHERE created_at = ?",
                clock.instant().toEpochMilli())).isEqualTo(1);

        assertThat(store.findLiveConsent(ALICE)).contains(older);
        assertThat(store.consumeConsent(tampered)).isEqualTo(Lookup.undecryptable());
        assertThat(store.consumeConsent(tampered)).isEqualTo(Lookup.none());
        assertThat(store.consumeConsent(older.state())).isEqualTo(new Lookup.Found<>(older));
    }

    @Test
    void aConsentUnderAKeyNoLongerConfiguredIsKeyMissingAndUsedUp() {
        Secret state = Secret.random(32);
        open(TestKeys.K1).createConsent(ALICE, state, Secret.random(32), TTL);
        TokenStore rotatedAway = open(TestKeys.K2);
        assertThat(rotatedAway.findLiveConsent(ALICE)).isEmpty();
        assertThat(rotatedAway.consumeConsent(state)).isEqualTo(new Lookup.KeyMissing<>("k1"));
        assertThat(open(TestKeys.K1).consumeConsent(state)).isEqualTo(Lookup.none());
    }

    @Test
    void aReusedStateIsRefusedWithoutEchoingIt() {
        TokenStore store = open(TestKeys.K1);
        Secret state = Secret.random(32);
        store.createConsent(ALICE, state, Secret.random(32), TTL);
        // The server's error detail would quote the row's key ("Key (state_hash)=(\x...)"); the store keeps it out.
        assertThatThrownBy(() -> store.createConsent(ALICE, state, Secret.random(32), TTL))
                .isInstanceOf(TokenStoreUnavailableException.class)
                .hasMessageStartingWith("token store: cannot start a consent: ")
                .hasMessageNotContaining(state.reveal())
                .hasMessageNotContaining(HexFormat.of().formatHex(state.sha256()));
        assertThat(store.consumeConsent(state)).isInstanceOf(Lookup.Found.class); // the first one is intact
    }

    @Test
    void theEleventhConsentOfAUserEndsTheOldest() {
        TokenStore store = open(TestKeys.K1);
        List<Secret> states = new ArrayList<>();
        for (int i = 0; i <= TokenStore.MAX_PENDING_CONSENTS; i++) {
            Secret state = Secret.random(32);
            store.createConsent(new GrantKey(ALICE.provider(), ALICE.userId(), "tool" + (i % 3)), state,
                    Secret.random(32), TTL);
            states.add(state);
            clock.advance(Duration.ofSeconds(1));
        }
        Secret otherUsers = Secret.random(32);
        store.createConsent(new GrantKey(ALICE.provider(), "bob@example.com", "tool0"), otherUsers,
                Secret.random(32), TTL);

        assertThat(store.consumeConsent(states.get(0))).isEqualTo(Lookup.none());
        for (Secret state : states.subList(1, states.size())) {
            assertThat(store.consumeConsent(state)).isInstanceOf(Lookup.Found.class);
        }
        assertThat(store.consumeConsent(otherUsers)).isInstanceOf(Lookup.Found.class);
    }

    @Test
    void expiredConsentsDoNotCountAgainstTheLimit() {
        TokenStore store = open(TestKeys.K1);
        Secret survivor = Secret.random(32);
        store.createConsent(ALICE, survivor, Secret.random(32), TTL);
        for (int i = 0; i < TokenStore.MAX_PENDING_CONSENTS - 1; i++) {
            clock.advance(Duration.ofMillis(1));
            store.createConsent(ALICE, Secret.random(32), Secret.random(32), Duration.ofSeconds(1));
        }
        clock.advance(Duration.ofSeconds(2));
        for (int i = 0; i < TokenStore.MAX_PENDING_CONSENTS - 1; i++) {
            clock.advance(Duration.ofMillis(1));
            store.createConsent(ALICE, Secret.random(32), Secret.random(32), TTL);
        }
        // Counting the expired ones, the survivor would be the oldest of 19 and gone.
        assertThat(store.consumeConsent(survivor)).isInstanceOf(Lookup.Found.class);
    }

    @Test
    void aStateIsConsumedByExactlyOneOfManyCallersInTwoStores() throws Exception {
        TokenStore a = open(TestKeys.K1);
        TokenStore b = open(TestKeys.K1);
        for (int round = 0; round < 5; round++) {
            Secret state = Secret.random(32);
            a.createConsent(ALICE, state, Secret.random(32), TTL);
            List<Lookup<PendingConsent>> results = RefreshContract.concurrently(16,
                    i -> (i % 2 == 0 ? a : b).consumeConsent(state));
            assertThat(results).filteredOn(r -> r instanceof Lookup.Found).hasSize(1);
        }
    }

    @Test
    void aPendingGrantIsConsumedOnce() throws Exception {
        TokenStore a = open(TestKeys.K1);
        TokenStore b = open(TestKeys.K1);
        Secret code = Secret.random(16);
        a.putPendingGrant(code, ALICE, tokens("access", "refresh", clock.instant().plusSeconds(3600), "repo"), TTL);
        List<Lookup<PendingGrant>> results = RefreshContract.concurrently(8,
                i -> (i % 2 == 0 ? a : b).consumePendingGrant(code));
        PendingGrant won = results.stream().flatMap(r -> r.found().stream()).findFirst().orElseThrow();
        assertThat(results).filteredOn(r -> r instanceof Lookup.Found).hasSize(1);
        assertThat(won.key()).isEqualTo(ALICE);
        assertThat(won.tokens().refreshToken()).isEqualTo(Secret.of("refresh"));
        assertThat(won.tokens().scopes()).containsExactly("repo");
    }

    @Test
    void expiredPendingGrantsAreNotFoundAndAreSweptOnceForRevocation() {
        TokenStore store = open(TestKeys.K1);
        Secret expiring = Secret.random(16);
        Secret live = Secret.random(16);
        store.putPendingGrant(expiring, ALICE, tokens("a1", "r1", null), TTL);
        store.createConsent(ALICE, Secret.random(32), Secret.random(32), TTL);
        clock.advance(TTL);
        store.putPendingGrant(live, ALICE, tokens("a2", "r2", null), TTL);

        assertThat(store.consumePendingGrant(expiring)).isEqualTo(Lookup.none());
        List<PendingGrant> swept = store.sweepExpired();
        assertThat(swept).extracting(g -> g.tokens().refreshToken()).containsExactly(Secret.of("r1"));
        assertThat(store.sweepExpired()).isEmpty();
        assertThat(store.findLiveConsent(ALICE)).isEmpty();
        assertThat(store.consumePendingGrant(live)).isInstanceOf(Lookup.Found.class);
    }

    @Test
    void aPendingGrantMovedToAnotherUserIsUndecryptable() throws Exception {
        TokenStore store = open(TestKeys.K1);
        Secret code = Secret.random(16);
        store.putPendingGrant(code, ALICE, tokens("a", "r", null), TTL);
        sql("UPDATE pending_grants SET user_id = 'mallory@example.com'");
        assertThat(store.consumePendingGrant(code)).isEqualTo(Lookup.undecryptable());
    }

    @Test
    void aPendingTokenCannotBeCopiedIntoAnActiveGrant() throws Exception {
        TokenStore store = open(TestKeys.K1);
        store.replace(ALICE, tokens("active", "r", null));
        store.putPendingGrant(Secret.random(16), ALICE, tokens("pending", "r2", null), TTL);
        sql("UPDATE grants SET access_token = (SELECT access_token FROM pending_grants)");
        assertThat(store.load(ALICE)).isEqualTo(Lookup.undecryptable());
    }

    @Test
    void nothingSecretIsStoredInClear() {
        TokenStore store = open(TestKeys.K1);
        Secret state = Secret.random(32);
        Secret verifier = Secret.random(32);
        Secret code = Secret.random(16);
        store.replace(ALICE, tokens("gho_ACTIVEACCESS", "ghr_ACTIVEREFRESH", null));
        store.refresh(ALICE, g -> true, g -> new RefreshResult.Rotated(
                tokens("gho_ROTATEDACCESS", "ghr_ROTATEDREFRESH", null)));
        store.createConsent(ALICE, state, verifier, TTL);
        store.putPendingGrant(code, ALICE, tokens("gho_PENDINGACCESS", "ghr_PENDINGREFRESH", null), TTL);

        String dump = backend.dump();
        assertThat(dump).contains(ALICE.userId()); // the dump does see the rows
        for (String secret : List.of("gho_ACTIVEACCESS", "ghr_ACTIVEREFRESH", "gho_ROTATEDACCESS",
                "ghr_ROTATEDREFRESH", "gho_PENDINGACCESS", "ghr_PENDINGREFRESH", state.reveal(), verifier.reveal(),
                code.reveal())) {
            assertThat(dump).doesNotContain(secret)
                    .doesNotContain(HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void nothingSecretReachesALogLineOrAnErrorMessage() throws Exception {
        Secret access = Secret.random(24), refresh = Secret.random(24), rotatedAccess = Secret.random(24);
        Secret rotatedRefresh = Secret.random(24), pendingAccess = Secret.random(24);
        Secret pendingRefresh = Secret.random(24), expiredRefresh = Secret.random(24);
        Secret state = Secret.random(32), verifier = Secret.random(32), code = Secret.random(16);
        StringBuilder seen = new StringBuilder();
        try (CapturedLogs logs = CapturedLogs.everything()) {
            TokenStore store = open(TestKeys.K1);
            store.replace(ALICE, new TokenSet(access, refresh, clock.instant(), null));
            store.load(ALICE);
            store.refresh(ALICE, g -> true, g -> new RefreshResult.Failed("http_503", "HTTP 503"));
            store.refresh(ALICE, g -> true, g -> new RefreshResult.Rotated(
                    new TokenSet(rotatedAccess, rotatedRefresh, null, null)));
            store.createConsent(ALICE, state, verifier, TTL);
            store.findLiveConsent(ALICE);
            seen.append(errorOf(() -> store.createConsent(ALICE, state, verifier, TTL)));
            store.consumeConsent(state);
            store.putPendingGrant(code, ALICE, new TokenSet(pendingAccess, pendingRefresh, null, null), TTL);
            seen.append(errorOf(() -> store.putPendingGrant(code, ALICE,
                    new TokenSet(pendingAccess, pendingRefresh, null, null), TTL)));
            store.consumePendingGrant(code);
            store.putPendingGrant(Secret.random(16), ALICE, new TokenSet(Secret.random(24), expiredRefresh, null,
                    null), Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(1));
            store.sweepExpired();
            sql("UPDATE grants SET access_token = refresh_token");
            store.load(ALICE); // undecryptable: a warning
            open(TestKeys.K2).load(ALICE); // a key id not configured: an error
            store.delete(ALICE);
            seen.append(logs.text());
        }
        assertThat(seen).contains("does not decrypt", "k1"); // the capture did see the warnings
        for (Secret secret : List.of(access, refresh, rotatedAccess, rotatedRefresh, pendingAccess, pendingRefresh,
                expiredRefresh, state, verifier, code)) {
            assertThat(seen.toString()).doesNotContain(secret.reveal());
        }
        for (String keyEntry : List.of(TestKeys.K1, TestKeys.K2)) {
            assertThat(seen.toString()).doesNotContain(keyEntry.substring(keyEntry.indexOf(':') + 1));
        }
    }

    /** The message and stack trace of what {@code call} throws, or nothing. */
    private static String errorOf(Runnable call) {
        try {
            call.run();
            return "";
        } catch (RuntimeException e) {
            java.io.StringWriter out = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(out));
            return out.toString();
        }
    }
}
