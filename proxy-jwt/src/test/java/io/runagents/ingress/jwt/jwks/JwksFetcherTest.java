package io.runagents.ingress.jwt.jwks;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class JwksFetcherTest {

    @Test
    void maxAgeParsing() {
        assertThat(JwksFetcher.maxAge(List.of("public, max-age=120, must-revalidate"))).isEqualTo(OptionalLong.of(120));
        assertThat(JwksFetcher.maxAge(List.of("no-store"))).isEqualTo(OptionalLong.of(0));
        assertThat(JwksFetcher.maxAge(List.of("max-age=abc"))).isEmpty();
        assertThat(JwksFetcher.maxAge(List.of())).isEmpty();
    }

    @Test
    void clearTextOnlyToLoopback() {
        assertThat(JwksFetcher.allowedScheme(URI.create("https://idp.example.com/jwks"))).isTrue();
        assertThat(JwksFetcher.allowedScheme(URI.create("http://127.0.0.1:8080/jwks"))).isTrue();
        assertThat(JwksFetcher.allowedScheme(URI.create("http://localhost/jwks"))).isTrue();
        assertThat(JwksFetcher.allowedScheme(URI.create("http://[::1]/jwks"))).isTrue();
        assertThat(JwksFetcher.allowedScheme(URI.create("http://idp.example.com/jwks"))).isFalse();
        assertThat(JwksFetcher.allowedScheme(URI.create("file:///etc/passwd"))).isFalse();
    }
}
