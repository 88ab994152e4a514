package io.runagents.ingress.config.load;

import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.Policy;
import io.runagents.ingress.config.model.PolicyRule;
import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Renders resources back into the SPEC's YAML ({@code name:} + {@code spec:}), in the SPEC's field order and
 * without fields that equal their defaults, for {@code get} and for the files {@code apply} writes. Loading the
 * output gives records equal to the input.
 */
public final class ResourceYamlWriter {
    private ResourceYamlWriter() {
    }

    /** One resource of any kind as one YAML document (no {@code ---}). */
    public static String write(Record resource) {
        if (resource instanceof IdentityProvider p) {
            return write(p);
        } else if (resource instanceof Agent a) {
            return write(a);
        } else if (resource instanceof Tool t) {
            return write(t);
        } else if (resource instanceof Policy p) {
            return write(p);
        }
        throw new IllegalArgumentException("resource: " + resource.getClass().getName()
                + " (expected: IdentityProvider, Agent, Tool or Policy)");
    }

    /** Several resources as a multi-document stream, separated by {@code ---}. */
    public static String writeAll(List<? extends Record> resources) {
        StringBuilder b = new StringBuilder();
        for (Record r : resources) {
            b.append(b.length() == 0 ? "" : "---\n").append(write(r));
        }
        return b.toString();
    }

    /** An identity provider, with its nested {@code identityProvider:} block. */
    public static String write(IdentityProvider p) {
        YamlEmitter y = header(p.name());
        y.scalar(2, "host", p.host()).open(2, "identityProvider")
                .scalar(4, "issuer", p.issuer())
                .scalar(4, "jwksUri", p.jwksUri().toString());
        if (!p.audiences().isEmpty()) {
            y.flowList(4, "audiences", p.audiences());
        }
        if (!p.algorithms().equals(IdentityProvider.DEFAULT_ALGORITHMS)) {
            y.flowList(4, "algorithms", p.algorithms());
        }
        if (p.clockSkewSeconds() != IdentityProvider.DEFAULT_CLOCK_SKEW_SECONDS) {
            y.literal(4, "clockSkewSeconds", p.clockSkewSeconds());
        }
        if (p.maxTokenLifetimeSeconds() != null) {
            y.literal(4, "maxTokenLifetimeSeconds", p.maxTokenLifetimeSeconds());
        }
        y.scalar(2, "userIDClaim", p.userIdClaim());
        if (!p.allowedDomains().isEmpty()) {
            y.flowList(2, "allowedDomains", p.allowedDomains());
        }
        if (!p.groupsClaim().equals(IdentityProvider.DEFAULT_GROUPS_CLAIM)) {
            y.scalar(2, "groupsClaim", p.groupsClaim());
        }
        if (p.forwardToken()) {
            y.literal(2, "forwardToken", true);
        }
        if (!p.claimHeaders().isEmpty()) {
            y.open(2, "claimHeaders");
            for (Map.Entry<String, String> e : p.claimHeaders().entrySet()) {
                y.scalar(4, e.getKey(), e.getValue());
            }
        }
        return y.toString();
    }

    /** An agent; a single upstream is written as {@code upstream:}. */
    public static String write(Agent a) {
        YamlEmitter y = header(a.name());
        if (a.host() != null) {
            y.scalar(2, "host", a.host());
        }
        if (!a.pathPrefix().equals("/")) {
            y.scalar(2, "pathPrefix", a.pathPrefix());
        }
        if (a.upstreams().size() == 1) {
            y.scalar(2, "upstream", a.upstreams().get(0).toString());
        } else {
            y.flowList(2, "upstreams", a.upstreams().stream().map(URI::toString).toList());
        }
        if (a.stripPrefix()) {
            y.literal(2, "stripPrefix", true);
        }
        if (a.access() != Access.AUTHENTICATED) {
            y.scalar(2, "access", a.access().yamlName());
        }
        if (a.identityProvider() != null) {
            y.scalar(2, "identityProvider", a.identityProvider());
        }
        if (a.timeoutSeconds() != Agent.DEFAULT_TIMEOUT_SECONDS) {
            y.literal(2, "timeoutSeconds", a.timeoutSeconds());
        }
        if (a.maxBodyBytes() != null) {
            y.literal(2, "maxBodyBytes", a.maxBodyBytes());
        }
        if (a.resource() != null) {
            y.scalar(2, "resource", a.resource().toString());
        }
        if (!a.requiredScopes().isEmpty()) {
            y.flowList(2, "requiredScopes", a.requiredScopes());
        }
        if (!a.corsOrigins().isEmpty()) {
            y.open(2, "cors").flowList(4, "allowedOrigins", a.corsOrigins());
        }
        return y.toString();
    }

    /** A tool; {@code auth} is omitted when it is {@code none}. */
    public static String write(Tool t) {
        YamlEmitter y = header(t.name());
        y.scalar(2, "baseUrl", t.baseUrl().toString());
        ToolAuth auth = t.auth();
        if (auth instanceof ToolAuth.None) {
            return y.toString();
        }
        y.open(2, "auth").scalar(4, "type", auth.typeName());
        if (auth instanceof ToolAuth.OAuth2 o) {
            y.scalar(4, "authorizationUrl", o.authorizationUrl().toString())
                    .scalar(4, "tokenUrl", o.tokenUrl().toString())
                    .scalar(4, "clientId", o.clientId());
            if (o.clientSecretEnv() != null) {
                y.scalar(4, "clientSecretEnv", o.clientSecretEnv());
            }
            if (!o.scopes().isEmpty()) {
                y.flowList(4, "scopes", o.scopes());
            }
            if (o.tokenEndpointAuth() != ToolAuth.TokenEndpointAuth.CLIENT_SECRET_BASIC) {
                y.scalar(4, "tokenEndpointAuth", o.tokenEndpointAuth().yamlName());
            }
            optional(y, "revocationUrl", o.revocationUrl());
            optional(y, "issuer", o.issuer());
            optional(y, "resource", o.resource());
        } else if (auth instanceof ToolAuth.ApiKey k) {
            y.open(4, "apiKey").scalar(6, "header", k.header()).scalar(6, "valueEnv", k.valueEnv());
        }
        return y.toString();
    }

    private static void optional(YamlEmitter y, String key, URI value) {
        if (value != null) {
            y.scalar(4, key, value.toString());
        }
    }

    /** A policy, rules in order. */
    public static String write(Policy p) {
        YamlEmitter y = header(p.name());
        if (p.tool() != null) {
            y.flowPair(2, "target", "tool", p.tool());
        } else {
            y.flowPair(2, "target", "agent", p.agent());
        }
        y.open(2, "rules");
        for (PolicyRule rule : p.rules()) {
            // The first key rides on the "- " marker; the others line up under it.
            y.line(4, "- effect: " + rule.effect().name().toLowerCase(java.util.Locale.ROOT));
            list(y, "users", rule.users());
            list(y, "groups", rule.groups());
            list(y, "domains", rule.domains());
            list(y, "methods", rule.methods());
            list(y, "paths", rule.paths());
            list(y, "scopes", rule.scopes());
            list(y, "agents", rule.agents());
        }
        return y.toString();
    }

    private static void list(YamlEmitter y, String key, List<String> values) {
        if (!values.isEmpty()) {
            y.flowList(6, key, values);
        }
    }

    private static YamlEmitter header(String name) {
        return new YamlEmitter().scalar(0, "name", name).open(0, "spec");
    }
}
