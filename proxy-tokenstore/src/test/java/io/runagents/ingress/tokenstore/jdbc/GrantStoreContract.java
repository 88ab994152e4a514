package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.Grant;
import io.runagents.ingress.tokenstore.GrantInfo;
import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.GrantQuery;
import io.runagents.ingress.tokenstore.Lookup;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.StoreHealth;
import io.runagents.ingress.tokenstore.TokenStore;
import io.runagents.ingress.tokenstore.crypto.KeyFile;
import io.runagents.ingress.tokenstore.crypto.TokenCipher;
import io.runagents.ingress.tokenstore.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Grants: round trip, listing, replacement, deletion, and every way a stored ciphertext can be unusable. */
abstract class GrantStoreContract extends StoreTestBase {

    private static final GrantKey BOB = new GrantKey("google", "bob@example.com", "github");

    @Test
    void aGrantRoundTrips() {
        TokenStore store = open(TestKeys.K1);
        Instant expiry = clock.instant().plus(Duration.ofHours(1));
        assertThat(store.replace(ALICE, tokens("gho_access", "ghr_refresh", expiry, "repo", "read:org")))
                .isEqualTo(Lookup.none());
        Grant grant = store.load(ALICE).found().orElseThrow();
        assertThat(grant.accessToken()).isEqualTo(Secret.of("gho_access"));
        assertThat(grant.refreshToken()).isEqualTo(Secret.of("ghr_refresh"));
        assertThat(grant.scopes()).containsExactly("repo", "read:org");
        assertThat(grant.accessExpiresAt()).isEqualTo(expiry);
        assertThat(grant.createdAt()).isEqualTo(clock.instant());
        assertThat(grant.refreshedAt()).isNull();
        assertThat(grant.keyId()).isEqualTo("k1");
        assertThat(store.version(ALICE)).isEqualTo(OptionalLong.of(grant.version()));
        assertThat(store.load(BOB)).isEqualTo(Lookup.none());
        assertThat(store.version(BOB)).isEmpty();
    }

    @Test
    void aGrantWithoutRefreshTokenExpiryOrScopesRoundTrips() {
        TokenStore store = open(TestKeys.K1);
        store.replace(ALICE, tokens("only-access", null, null));
        Grant grant = store.load(ALICE).found().orElseThrow();
        assertThat(grant.refreshToken()).isNull();
        assertThat(grant.accessExpiresAt()).isNull();
        assertThat(grant.scopes()).isEmpty();
        assertThat(grant.info().refreshable()).isFalse();
    }

    @Test
    void listingsShowMetadataOnlyPerProviderAndUser() {
        TokenStore store = open(TestKeys.K1);
        GrantKey aliceJira = new GrantKey("google", "alice@example.com", "jira");
        GrantKey otherProvider = new GrantKey("okta", "alice@example.com", "github");
        store.replace(ALICE, tokens("a1", "r1", null, "repo"));
        store.replace(aliceJira, tokens("a2", null, null));
        store.replace(otherProvider, tokens("a3", "r3", null));
        store.replace(BOB, tokens("a4", "r4", null));

        List<GrantInfo> alice = store.grantsOf("google", "alice@example.com");
        assertThat(alice).extracting(GrantInfo::key).containsExactly(ALICE, aliceJira);
        assertThat(alice.get(0).scopes()).containsExactly("repo");
        assertThat(alice.get(0).refreshable()).isTrue();
        assertThat(alice.get(1).refreshable()).isFalse();
        assertThat(alice.toString()).doesNotContain("a1", "r1");

        assertThat(store.listGrants(GrantQuery.all(10))).hasSize(4);
        assertThat(store.listGrants(new GrantQuery(null, "alice@example.com", null, 10))).hasSize(3);
        assertThat(store.listGrants(new GrantQuery(null, null, "github", 10))).extracting(GrantInfo::key)
                .containsExactly(ALICE, BOB, otherProvider);
        assertThat(store.listGrants(new GrantQuery("okta", null, "github", 10))).hasSize(1);
        assertThat(store.listGrants(GrantQuery.all(2))).hasSize(2);
    }

    @Test
    void replacingReturnsTheOldGrantForRevocationAndChangesTheVersion() {
        TokenStore store = open(TestKeys.K1);
        store.replace(ALICE, tokens("old-access", "old-refresh", null));
        long oldVersion = store.version(ALICE).orElseThrow();
        clock.advance(Duration.ofMinutes(5));
        Lookup<Grant> replaced = store.replace(ALICE, tokens("new-access", "new-refresh", null, "repo"));
        assertThat(replaced.found().orElseThrow().refreshToken()).isEqualTo(Secret.of("old-refresh"));
        Grant now = store.load(ALICE).found().orElseThrow();
        assertThat(now.accessToken()).isEqualTo(Secret.of("new-access"));
        assertThat(now.createdAt()).isEqualTo(clock.instant());
        assertThat(now.version()).isNotEqualTo(oldVersion);
    }

    @Test
    void deletingReturnsTheDeletedGrant() {
        TokenStore store = open(TestKeys.K1);
        store.replace(ALICE, tokens("access", "refresh", null));
        assertThat(store.delete(ALICE).found().orElseThrow().refreshToken()).isEqualTo(Secret.of("refresh"));
        assertThat(store.load(ALICE)).isEqualTo(Lookup.none());
        assertThat(store.version(ALICE)).isEmpty();
        assertThat(store.delete(ALICE)).isEqualTo(Lookup.none());
    }

    @Test
    void aRestartedStoreReadsWhatTheLastOneWrote() {
        TokenStore first = open(TestKeys.K1);
        first.replace(ALICE, tokens("access", "refresh", null));
        first.close();
        assertThat(open(TestKeys.K1).load(ALICE).found().orElseThrow().accessToken()).isEqualTo(Secret.of("access"));
    }

    @Test
    void aGeneratedKeyIsOwnerOnlyAndReusedAfterARestart() throws Exception {
        TokenStore first = open();
        first.replace(ALICE, tokens("access", "refresh", null));
        first.close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(KeyFile.of(dataDir))))
                .isEqualTo("rw-------");
        TokenStore second = open();
        assertThat(second.load(ALICE).found().orElseThrow().keyId()).isEqualTo(KeyFile.GENERATED_KEY_ID);
        assertThat(second.health().writeKeyId()).isEqualTo(KeyFile.GENERATED_KEY_ID);
    }

    @Test
    void aTamperedCiphertextIsUndecryptableNotAnException() throws Exception {
        TokenStore store = open(TestKeys.K1);
        store.replace(ALICE, tokens("access", "refresh", null));
        byte[] ct = bytes("SELECT access_token FROM grants WHERE user_id = ?", ALICE.userId());
        ct[ct.length - 5] ^= 0x40;
        assertThat(sql("UPDATE grants SET access_token = ? WHERE user_id = ?", ct, ALICE.userId())).isEqualTo(1);
        assertThat(store.load(ALICE)).isEqualTo(Lookup.undecryptable());
        assertThat(store.delete(ALICE)).isEqualTo(Lookup.undecryptable());
    }

    @Test
    void aRowMovedToAnotherUserIsUndecryptable() throws Exception {
        TokenStore store = open(TestKeys.K1);
        store.replace(ALICE, tokens("alice-access", "alice-refresh", null));
        sql("UPDATE grants SET user_id = ? WHERE user_id = ?", BOB.userId(), ALICE.userId());
        assertThat(store.load(BOB)).isEqualTo(Lookup.undecryptable());
    }

    @Test
    void aSwappedColumnIsUndecryptable() throws Exception {
        TokenStore store = open(TestKeys.K1);
        store.replace(ALICE, tokens("access", "refresh", null));
        sql("UPDATE grants SET access_token = refresh_token WHERE user_id = ?", ALICE.userId());
        assertThat(store.load(ALICE)).isEqualTo(Lookup.undecryptable());
    }

    @Test
    void aWrongKeyUnderTheSameIdIsUndecryptable() {
        open(TestKeys.K1).replace(ALICE, tokens("access", "refresh", null));
        assertThat(open(TestKeys.K1_WRONG).load(ALICE)).isEqualTo(Lookup.undecryptable());
    }

    @Test
    void anUnknownKeyIdIsMissingKeptAndNamedByHealth() {
        open(TestKeys.K1).replace(ALICE, tokens("access", "refresh", null));
        TokenStore rotatedAway = open(TestKeys.K2);
        StoreHealth health = rotatedAway.health();
        assertThat(health.missingKeyIds()).containsExactly("k1"); // from the start-up scan, before any read
        assertThat(health.reachable()).isTrue();
        assertThat(health.writeKeyId()).isEqualTo("k2");
        assertThat(rotatedAway.load(ALICE)).isEqualTo(new Lookup.KeyMissing<>("k1"));
        assertThat(rotatedAway.version(ALICE)).isPresent(); // the grant is kept
    }

    @Test
    void afterARotationOldRowsReadAndTheNextWriteUsesTheFirstKey() throws Exception {
        open(TestKeys.K1).replace(ALICE, tokens("access", "refresh", null));
        TokenStore rotated = open(TestKeys.K2, TestKeys.K1);
        Grant old = rotated.load(ALICE).found().orElseThrow();
        assertThat(old.keyId()).isEqualTo("k1");
        assertThat(rotated.health().missingKeyIds()).isEmpty();

        rotated.replace(ALICE, tokens("access-2", "refresh-2", null));
        assertThat(TokenCipher.keyIdOf(bytes("SELECT access_token FROM grants WHERE user_id = ?", ALICE.userId())))
                .contains("k2");
        assertThat(open(TestKeys.K2).load(ALICE).found().orElseThrow().keyId()).isEqualTo("k2");
    }
}
