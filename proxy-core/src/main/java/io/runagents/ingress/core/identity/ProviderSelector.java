package io.runagents.ingress.core.identity;

import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.jwt.IdentityProviders;
import io.runagents.ingress.jwt.JwtAuthenticator;
import java.util.List;

/**
 * The authenticator that checks an authenticated agent's token: the provider {@link ProviderChoice} picks
 * (SPEC section 3), with its keys and verified-token cache. Built once per configuration snapshot.
 */
public final class ProviderSelector {
    private final IdentityProviders providers;
    private final ProviderChoice choice;

    private ProviderSelector(IdentityProviders providers, ProviderChoice choice) {
        this.providers = providers;
        this.choice = choice;
    }

    public static ProviderSelector of(List<IdentityProvider> configured, IdentityProviders providers) {
        return new ProviderSelector(providers, ProviderChoice.of(configured));
    }

    /**
     * The authenticator for a request, or null when no provider can check it (the caller answers 401).
     *
     * @param host the request's routing host (lower case, no port)
     * @param token the raw bearer token; only its unverified {@code iss} is read, to choose
     */
    public JwtAuthenticator select(Agent agent, String host, String token) {
        IdentityProvider chosen = choice.choose(agent.identityProvider(), host, token);
        return chosen == null ? null : providers.forProvider(chosen.name());
    }

    /**
     * The authenticator for a request to an endpoint of the proxy itself ({@code /oauth/*}): the provider chosen
     * by the request's host alone, as for an agent that names none; null when no provider can check it.
     */
    public JwtAuthenticator selectForHost(String host, String token) {
        IdentityProvider chosen = choice.choose(null, host, token);
        return chosen == null ? null : providers.forProvider(chosen.name());
    }

    /** The issuers of the providers that may check tokens for {@code agent} on {@code host} (SPEC section 11). */
    public List<String> issuersFor(Agent agent, String host) {
        return choice.candidates(agent.identityProvider(), host).stream().map(IdentityProvider::issuer).distinct()
                .toList();
    }

    /** All providers of this configuration. */
    public IdentityProviders providers() {
        return providers;
    }
}
