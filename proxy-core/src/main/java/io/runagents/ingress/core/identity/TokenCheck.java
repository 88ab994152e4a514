package io.runagents.ingress.core.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.core.http.Authority;
import io.runagents.ingress.jwt.TokenDiagnostics;
import io.runagents.ingress.jwt.jwks.JwksException;
import io.runagents.ingress.jwt.jwks.JwksSnapshot;
import io.runagents.ingress.jwt.verify.CompactToken;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code runagents token verify} and {@code POST /admin/token-check} (SPEC sections 2 and 10): picks the
 * provider the ingress would use for a token and a host, fetches its keys now, and runs every check the ingress
 * would run, each reported on its own. The command runs it on a conf directory; the admin API on the live
 * configuration. Blocks the calling thread for the key fetch (up to {@code fetchTimeout}): never an event loop.
 */
public final class TokenCheck {
    private static final ObjectMapper CLAIMS = new ObjectMapper();

    private TokenCheck() { }

    /**
     * What a token is checked against, as the ingress at the target holds it.
     *
     * @param maxTokenBytes {@code limits.maxTokenBytes}
     * @param fetchTimeout  {@code jwks.fetchTimeoutMillis}: the check gives up on the keys when the ingress would
     */
    public record Settings(List<IdentityProvider> providers, int maxTokenBytes, Duration fetchTimeout) {
        public Settings {
            providers = List.copyOf(providers);
            Objects.requireNonNull(fetchTimeout, "fetchTimeout");
        }
    }

    /**
     * The answer.
     *
     * @param provider the provider that checked the token; null when none could ({@code refusal} says why)
     * @param issuer   that provider's issuer; null with it
     * @param refusal  why no provider checks the token (the ingress would answer 401); null when one did
     * @param checks   every check, in the order the ingress runs them, a failed key fetch first as {@code keys}
     * @param user     the provider's user id claim as the token carries it (what {@code X-End-User-ID} would be
     *                 if it is accepted); null when it has none or no provider checked it
     */
    public record Result(String provider, String issuer, String refusal, List<TokenDiagnostics.Check> checks,
                         String user) {
        public Result {
            checks = List.copyOf(checks);
        }

        /** True when the ingress would accept the token. */
        public boolean accepted() {
            return refusal == null && !checks.isEmpty() && TokenDiagnostics.accepted(checks);
        }
    }

    /**
     * Checks {@code token}.
     *
     * @param host     the Host the request would carry ({@code host[:port]}), or null for any host: then the
     *                 token's {@code iss} picks among all providers
     * @param provider the provider to check against by name, standing for an agent's named provider; or null
     * @throws IllegalArgumentException when {@code host} is no {@code host[:port]} (the ingress answers 400)
     */
    public static Result run(Settings settings, String token, String host, String provider, Clock clock)
            throws InterruptedException {
        Objects.requireNonNull(token, "token");
        String routingHost = routingHost(host);
        IdentityProvider idp = provider == null && routingHost == null
                ? ProviderChoice.issuedBy(settings.providers(), token).orElse(null)
                : ProviderChoice.of(settings.providers()).choose(provider, routingHost, token);
        if (idp == null) {
            return new Result(null, null, noProvider(settings.providers(), routingHost, provider), List.of(), null);
        }
        List<TokenDiagnostics.Check> checks = new ArrayList<>();
        JwksSnapshot keys;
        try {
            keys = TokenDiagnostics.fetchKeys(idp, settings.fetchTimeout(), clock);
        } catch (JwksException e) {
            checks.add(new TokenDiagnostics.Check("keys", false, e.getMessage()));
            keys = JwksSnapshot.EMPTY;
        }
        checks.addAll(TokenDiagnostics.run(idp, keys, token, settings.maxTokenBytes(), clock));
        return new Result(idp.name(), idp.issuer(), null, checks, userId(token, idp.userIdClaim()));
    }

    /** The token's (unverified) user id claim when it is a string. */
    private static String userId(String token, String claim) {
        CompactToken compact = CompactToken.parse(token);
        if (compact == null) {
            return null;
        }
        try {
            JsonNode value = CLAIMS.readTree(compact.payload()).path(claim);
            return value.isTextual() ? value.asText() : null;
        } catch (IOException e) {
            return null; // the checks say why the claims are unreadable
        }
    }

    /** {@code host} as the ingress compares a Host header (lower case, port dropped); null when not given. */
    private static String routingHost(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        String routing = Authority.routingHost(host);
        if (routing == null) {
            throw new IllegalArgumentException("host: " + host + " (expected: host[:port])");
        }
        return routing;
    }

    /** Why no provider can check the token. */
    private static String noProvider(List<IdentityProvider> providers, String routingHost, String provider) {
        if (provider != null) {
            return "identity-provider \"" + provider + "\" not found";
        }
        if (providers.isEmpty()) {
            return "no identity provider is registered";
        }
        return routingHost != null
                ? "no identity provider has host " + routingHost + " and more than one is registered;"
                        + " name one with --provider"
                : "no identity provider matches; name one with --provider or --host";
    }
}
