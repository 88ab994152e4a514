package io.runagents.ingress.config.load;

import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.ConsentSettings;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.Policy;
import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rules that span resources: unique names, references that resolve, one agent per route, and a provider
 * for every authenticated agent. Each file's own rules are checked by the binders before this runs.
 */
final class ConfigValidator {
    private final List<ConfigError> errors;

    private ConfigValidator(List<ConfigError> errors) {
        this.errors = errors;
    }

    /**
     * Adds the errors of the cross-resource rules to {@code errors}. Documents that failed on their own carry
     * a null value but still their name, so a reference to a broken resource is not also reported missing.
     */
    static void validate(List<Located<IdentityProvider>> providers, List<Located<Agent>> agents,
                         List<Located<Tool>> tools, List<Located<Policy>> policies,
                         Set<ResourceKind> unreadable, List<ConfigError> errors) {
        ConfigValidator v = new ConfigValidator(errors);
        v.uniqueNames(ResourceKind.IDENTITY_PROVIDERS, providers);
        v.uniqueNames(ResourceKind.AGENTS, agents);
        v.uniqueNames(ResourceKind.TOOLS, tools);
        v.uniqueNames(ResourceKind.POLICIES, policies);
        v.distinctIssuersPerHost(providers);
        // A kind with an unreadable file has resources we cannot see: references to it are not judged.
        v.agents(agents, providers, !unreadable.contains(ResourceKind.IDENTITY_PROVIDERS));
        if (!unreadable.contains(ResourceKind.TOOLS) && !unreadable.contains(ResourceKind.AGENTS)) {
            v.policyTargets(policies, names(tools), names(agents));
        }
    }

    /**
     * An {@code oauth2} tool sends its users' browsers back to the ingress's callback, which only
     * {@code consent.callbackUrl} names (SPEC section 3): without it no consent could ever complete.
     */
    static void oauth2ToolsNeedCallback(List<Located<Tool>> tools, ConsentSettings consent, List<ConfigError> errors) {
        if (consent.callbackUrl() != null) {
            return;
        }
        for (Located<Tool> located : tools) {
            if (located.value() != null && located.value().auth() instanceof ToolAuth.OAuth2) {
                errors.add(located.error("spec.auth.type", "an oauth2 tool needs consent.callbackUrl in proxy.yaml "
                        + "(the public URL of the ingress's " + ConsentSettings.CALLBACK_PATH + ")"));
            }
        }
    }

    /** Only the names rule, for the documents of one file validated on their own. */
    static void uniqueNames(ResourceKind kind, List<? extends Located<?>> resources, List<ConfigError> errors) {
        new ConfigValidator(errors).uniqueNames(kind, resources);
    }

    private void uniqueNames(ResourceKind kind, List<? extends Located<?>> resources) {
        Map<String, Located<?>> first = new HashMap<>();
        for (Located<?> r : resources) {
            if (r.name() == null) {
                continue;
            }
            Located<?> earlier = first.putIfAbsent(r.name(), r);
            if (earlier != null) {
                errors.add(r.error("name", "duplicate " + kind.singular() + " name " + YamlNode.Scalar.quote(r.name())
                        + " (first defined at " + earlier.where("name") + ")"));
            }
        }
    }

    /** Two providers on one host with one issuer would leave the token's {@code iss} unable to pick one. */
    private void distinctIssuersPerHost(List<Located<IdentityProvider>> providers) {
        Map<List<String>, Located<IdentityProvider>> first = new HashMap<>();
        for (Located<IdentityProvider> p : providers) {
            if (p.value() == null) {
                continue;
            }
            Located<IdentityProvider> earlier = first.putIfAbsent(List.of(p.value().host(), p.value().issuer()), p);
            if (earlier != null && !Objects.equals(earlier.name(), p.name())) {
                errors.add(p.error("spec.identityProvider.issuer", "host " + YamlNode.Scalar.quote(p.value().host())
                        + " already has a provider with this issuer: " + YamlNode.Scalar.quote(earlier.name())
                        + " (" + earlier.where("spec.identityProvider.issuer") + ")"));
            }
        }
    }

    private void agents(List<Located<Agent>> agents, List<Located<IdentityProvider>> providers, boolean readable) {
        Set<String> providerNames = names(providers);
        // A broken provider document makes the provider count uncertain; its own errors are already reported.
        boolean providersKnown = readable && providers.stream().allMatch(p -> p.value() != null);
        Set<String> providerHosts = providers.stream().filter(p -> p.value() != null)
                .map(p -> p.value().host()).collect(Collectors.toSet());
        Map<List<String>, Located<Agent>> routes = new HashMap<>();
        for (Located<Agent> located : agents) {
            Agent a = located.value();
            if (a == null) {
                continue;
            }
            if (readable && a.identityProvider() != null && !providerNames.contains(a.identityProvider())) {
                errors.add(located.error("spec.identityProvider", "identity-provider "
                        + YamlNode.Scalar.quote(a.identityProvider()) + " not found"));
            }
            if (a.access() == Access.AUTHENTICATED && a.identityProvider() == null && providersKnown
                    && providers.size() != 1 && (a.host() == null || !providerHosts.contains(a.host()))) {
                errors.add(located.error("spec.access", "authenticated agent has no identity provider (expected: "
                        + (a.host() == null
                        ? "spec.identityProvider, or exactly one provider registered, since the agent has no host)"
                        : "spec.identityProvider, a provider with host " + YamlNode.Scalar.quote(a.host())
                        + ", or exactly one provider registered)")));
            }
            Located<Agent> earlier = routes.putIfAbsent(Arrays.asList(a.host(), a.pathPrefix()), located);
            if (earlier != null) {
                errors.add(located.error("spec.pathPrefix", (a.host() == null ? "any host" : "host "
                        + YamlNode.Scalar.quote(a.host())) + " and pathPrefix " + YamlNode.Scalar.quote(a.pathPrefix())
                        + " already route to agent " + YamlNode.Scalar.quote(earlier.name())
                        + " (" + earlier.where("spec.pathPrefix") + ")"));
            }
        }
    }

    private void policyTargets(List<Located<Policy>> policies, Set<String> tools, Set<String> agents) {
        for (Located<Policy> located : policies) {
            Policy p = located.value();
            if (p == null) {
                continue;
            }
            if (p.tool() != null && !tools.contains(p.tool())) {
                errors.add(located.error("spec.target.tool", "tool " + YamlNode.Scalar.quote(p.tool()) + " not found"));
            }
            if (p.agent() != null && !agents.contains(p.agent())) {
                errors.add(located.error("spec.target.agent",
                        "agent " + YamlNode.Scalar.quote(p.agent()) + " not found"));
            }
        }
    }

    private static Set<String> names(List<? extends Located<?>> resources) {
        Set<String> names = new HashSet<>();
        for (Located<?> r : resources) {
            if (r.name() != null) {
                names.add(r.name());
            }
        }
        return names;
    }
}
