package io.runagents.ingress.tokenstore;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretTest {

    @Test
    void toStringIsRedactedAlsoInsideRecords() {
        Secret token = Secret.of("gho_supersecret");
        TokenSet set = new TokenSet(token, Secret.of("ghr_refresh"), Instant.EPOCH, List.of("repo"));
        assertThat(token.toString()).isEqualTo("***");
        assertThat(set.toString()).doesNotContain("supersecret", "ghr_refresh").contains("***");
        TokenStoreOptions options = TokenStoreOptions.of("jdbc:postgresql://db/tokens?password=hunter2", "u",
                Secret.of("hunter2"), 4, Path.of("data"), Secret.of("k1:abc"));
        assertThat(options.toString()).doesNotContain("hunter2", "abc");
    }

    @Test
    void s256ChallengeMatchesRfc7636AppendixB() {
        Secret verifier = Secret.of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assertThat(verifier.s256Challenge()).isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    @Test
    void randomSecretsAreBase64UrlOfTheirBytes() {
        Secret state = Secret.random(32);
        assertThat(state.reveal()).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(Secret.random(32)).isNotEqualTo(state);
        assertThatThrownBy(() -> Secret.random(8)).hasMessage("bytes: 8 (expected: >= 16)");
    }

    @Test
    void fingerprintIsAShortHash() {
        assertThat(Secret.of("abc").fingerprint()).isEqualTo("sha256:ba7816bf8f01cfea");
        assertThat(Secret.of("abc")).isEqualTo(Secret.of("abc")).hasSameHashCodeAs(Secret.of("abc"));
    }

    @Test
    void emptySecretsAndBadScopesAreRefused() {
        assertThatThrownBy(() -> Secret.of("")).hasMessage("value: empty (expected: at least one character)");
        assertThatThrownBy(() -> new TokenSet(Secret.of("a"), null, null, List.of("a b")))
                .hasMessage("scopes: 'a b' (expected: a scope-token, RFC 6749 section 3.3)");
        assertThatThrownBy(() -> TokenStoreOptions.of("jdbc:mysql://db?password=x", null, null, 1,
                Path.of("d"), null)).hasMessageNotContaining("password=x");
    }
}
