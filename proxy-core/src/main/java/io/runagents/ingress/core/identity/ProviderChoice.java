package io.runagents.ingress.core.identity;

import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.jwt.TokenPeek;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which configured provider checks a token (SPEC section 3), decided on the configuration alone: the named
 * provider; else the providers registered for the request's host, the token's {@code iss} picking among several;
 * else the only provider there is. The ingress ({@link ProviderSelector}) and {@code runagents token verify}
 * both choose with it, so the command names the provider the ingress would use.
 */
public final class ProviderChoice {
    private final Map<String, IdentityProvider> byName;
    private final Map<String, List<IdentityProvider>> byHost;
    private final IdentityProvider onlyOne;

    private ProviderChoice(Map<String, IdentityProvider> byName, Map<String, List<IdentityProvider>> byHost,
                           IdentityProvider onlyOne) {
        this.byName = byName;
        this.byHost = byHost;
        this.onlyOne = onlyOne;
    }

    /** The choice among {@code configured} (hosts are lower case, as the loader stores them). */
    public static ProviderChoice of(List<IdentityProvider> configured) {
        Map<String, IdentityProvider> byName = new HashMap<>();
        Map<String, List<IdentityProvider>> byHost = new HashMap<>();
        for (IdentityProvider p : configured) {
            byName.put(p.name(), p);
            byHost.computeIfAbsent(p.host(), h -> new ArrayList<>()).add(p);
        }
        byHost.replaceAll((h, list) -> List.copyOf(list));
        return new ProviderChoice(Map.copyOf(byName), Map.copyOf(byHost),
                configured.size() == 1 ? configured.get(0) : null);
    }

    /**
     * The provider that checks {@code token}, or null when none can (the ingress answers 401).
     *
     * @param named the agent's {@code identityProvider}, or null when it names none
     * @param host the request's routing host, never null (lower case, no port: {@code Authority.routingHost})
     * @param token the raw bearer token; only its unverified {@code iss} is read, to choose
     */
    public IdentityProvider choose(String named, String host, String token) {
        if (named != null) {
            return byName.get(named);
        }
        List<IdentityProvider> forHost = byHost.get(host);
        if (forHost != null) {
            // None of the host's providers issued it: the first refuses it, as an issuer mismatch.
            return issuedBy(forHost, token).orElse(forHost.get(0));
        }
        return onlyOne;
    }

    /**
     * Every provider that may check a token for an agent on {@code host}, in the order {@link #choose} considers
     * them: what the agent's protected-resource metadata names as its authorization servers (SPEC section 11).
     */
    public List<IdentityProvider> candidates(String named, String host) {
        if (named != null) {
            IdentityProvider p = byName.get(named);
            return p == null ? List.of() : List.of(p);
        }
        List<IdentityProvider> forHost = byHost.get(host);
        if (forHost != null) {
            return forHost;
        }
        return onlyOne == null ? List.of() : List.of(onlyOne);
    }

    /**
     * Among candidate providers, the one that checks {@code token}: the only candidate, else the one whose
     * issuer is the token's (unverified) {@code iss}.
     */
    public static Optional<IdentityProvider> issuedBy(List<IdentityProvider> candidates, String token) {
        if (candidates.size() == 1) {
            return Optional.of(candidates.get(0));
        }
        Optional<String> issuer = token == null ? Optional.empty() : TokenPeek.issuer(token);
        return issuer.flatMap(iss -> candidates.stream().filter(c -> c.issuer().equals(iss)).findFirst());
    }
}
