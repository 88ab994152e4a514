package io.runagents.ingress.core.identity;

import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.jwt.IdentityProviders;
import io.runagents.ingress.jwt.JwtAuthenticator;
import io.runagents.ingress.jwt.TokenPeek;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which provider checks an authenticated agent's token (SPEC section 3): the agent's named provider; else
 * the providers registered for the request's host, the token's {@code iss} picking among several; else
 * the only provider there is. Built once per configuration snapshot.
 */
public final class ProviderSelector {
    private final IdentityProviders providers;
    private final Map<String, List<JwtAuthenticator>> byHost;
    private final JwtAuthenticator onlyOne;

    private ProviderSelector(IdentityProviders providers, Map<String, List<JwtAuthenticator>> byHost,
                             JwtAuthenticator onlyOne) {
        this.providers = providers;
        this.byHost = byHost;
        this.onlyOne = onlyOne;
    }

    public static ProviderSelector of(List<IdentityProvider> configured, IdentityProviders providers) {
        Map<String, List<JwtAuthenticator>> byHost = new HashMap<>();
        for (IdentityProvider p : configured) {
            byHost.computeIfAbsent(p.host(), h -> new ArrayList<>()).add(providers.forProvider(p.name()));
        }
        byHost.replaceAll((h, list) -> List.copyOf(list));
        JwtAuthenticator only = configured.size() == 1 ? providers.forProvider(configured.get(0).name()) : null;
        return new ProviderSelector(providers, Map.copyOf(byHost), only);
    }

    /**
     * The authenticator for a request, or null when no provider can check it (the caller answers 401).
     *
     * @param host the request's routing host (lower case, no port)
     * @param token the raw bearer token; only its unverified {@code iss} is read, to choose
     */
    public JwtAuthenticator select(Agent agent, String host, String token) {
        if (agent.identityProvider() != null) {
            return providers.forProvider(agent.identityProvider());
        }
        List<JwtAuthenticator> forHost = byHost.get(host);
        if (forHost != null) {
            // None of the host's providers issued it: the first refuses it, as an issuer mismatch.
            return issuedBy(forHost, a -> a.provider().issuer(), token).orElse(forHost.get(0));
        }
        return onlyOne;
    }

    /**
     * Among candidate providers, the one that checks {@code token}: the only candidate, else the one whose
     * issuer is the token's (unverified) {@code iss}. Shared with {@code runagents token verify}, so the
     * command picks exactly as the ingress does.
     */
    public static <T> Optional<T> issuedBy(List<T> candidates, Function<T, String> issuerOf, String token) {
        if (candidates.size() == 1) {
            return Optional.of(candidates.get(0));
        }
        Optional<String> issuer = token == null ? Optional.empty() : TokenPeek.issuer(token);
        return issuer.flatMap(iss -> candidates.stream().filter(c -> issuerOf.apply(c).equals(iss)).findFirst());
    }

    /** All providers of this configuration. */
    public IdentityProviders providers() {
        return providers;
    }
}
