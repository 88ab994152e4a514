package io.runagents.ingress.config.load;

import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Binds an {@code agents/*.yaml} document's {@code spec}. */
final class AgentBinder {
    static final String[] SPEC_FIELDS = {"host", "pathPrefix", "upstream", "upstreams", "stripPrefix", "access",
        "identityProvider", "timeoutSeconds", "maxBodyBytes", "resource", "requiredScopes", "cors"};
    /** Paths the proxy answers itself (SPEC section 11): no agent may be routed under them. */
    static final List<String> RESERVED_PREFIXES = List.of("/oauth", "/.well-known/oauth-protected-resource");

    private AgentBinder() {
    }

    /** The agent, or null when the document had errors (all of them reported). */
    static Agent bind(String name, FieldReader spec) {
        String host = spec.convert("host", spec.string("host"), Values::hostname);
        String pathPrefix = spec.convert("pathPrefix", spec.string("pathPrefix"), Values::pathPrefix);
        List<URI> upstreams = upstreams(spec);
        Boolean stripPrefix = spec.bool("stripPrefix");
        Access access = spec.convert("access", spec.string("access"), AgentBinder::access);
        String identityProvider = spec.convert("identityProvider", spec.string("identityProvider"), Values::name);
        Integer timeout = spec.integer("timeoutSeconds", 1);
        Long maxBodyBytes = spec.longValue("maxBodyBytes", 1);
        String prefix = pathPrefix == null ? "/" : pathPrefix;
        reservedPrefix(spec, prefix);
        URI resource = spec.convert("resource", spec.string("resource"), Values::resource);
        if (resource != null && !resourcePath(resource).equals(prefix)) {
            spec.error("resource", "its path " + YamlNode.Scalar.quote(resource.getRawPath())
                    + " is not the agent's pathPrefix " + YamlNode.Scalar.quote(prefix) + " (RFC 9728 section 3.3)");
        }
        List<String> requiredScopes = spec.value("requiredScopes") == null ? List.of()
                : spec.strings("requiredScopes", Values::scope);
        List<String> origins = cors(spec);
        spec.checkUnknown(SPEC_FIELDS);

        if (spec.document().hasErrors()) {
            return null;
        }
        return new Agent(name, host, prefix, upstreams,
                stripPrefix != null && stripPrefix, access == null ? Access.AUTHENTICATED : access, identityProvider,
                timeout == null ? Agent.DEFAULT_TIMEOUT_SECONDS : timeout, maxBodyBytes, resource,
                requiredScopes == null ? List.of() : requiredScopes, origins);
    }

    private static void reservedPrefix(FieldReader spec, String prefix) {
        for (String reserved : RESERVED_PREFIXES) {
            if (prefix.equals(reserved) || prefix.startsWith(reserved + "/")) {
                spec.error(spec.has("pathPrefix") ? "pathPrefix" : "host", YamlNode.Scalar.quote(prefix)
                        + " (expected: a path outside " + reserved + ", which the proxy answers itself)");
            }
        }
    }

    /** The path of a resource URL as routing spells prefixes: "" and "/" are the root. */
    private static String resourcePath(URI resource) {
        String path = resource.getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    /** {@code cors: {allowedOrigins: [...]}}: origins, or the single value {@code *}; absent or [] for no CORS. */
    private static List<String> cors(FieldReader spec) {
        FieldReader cors = spec.mapping("cors");
        if (cors == null) {
            return List.of();
        }
        List<String> origins = cors.value("allowedOrigins") == null ? List.of()
                : cors.strings("allowedOrigins", Values::origin);
        cors.checkUnknown("allowedOrigins");
        if (origins != null && origins.contains("*") && origins.size() > 1) {
            cors.error("allowedOrigins", "\"*\" mixed with origins (expected: either [\"*\"] or a list of origins)");
        }
        return origins == null ? List.of() : origins;
    }

    /** Exactly one of {@code upstream} (one URL) and {@code upstreams} (a non-empty list). */
    private static List<URI> upstreams(FieldReader spec) {
        List<URI> out = new ArrayList<>();
        boolean single = spec.value("upstream") != null;
        boolean many = spec.value("upstreams") != null;
        if (single && many) {
            spec.error("upstreams", "only one of upstream and upstreams may be set");
            spec.take("upstreams");
        } else if (!single && !many) {
            spec.error("upstream", FieldReader.MISSING + " (or upstreams)");
        }
        if (single) {
            URI uri = spec.convert("upstream", spec.string("upstream"), Values::upstream);
            if (uri != null) {
                out.add(uri);
            }
        } else if (many) {
            List<URI> urls = spec.nonEmptyStrings("upstreams", Values::upstream, "at least one URL");
            if (urls != null) {
                out.addAll(urls);
            }
        }
        return out;
    }

    private static Access access(String s) {
        for (Access a : Access.values()) {
            if (a.yamlName().equals(s)) {
                return a;
            }
        }
        throw new IllegalArgumentException(YamlNode.Scalar.quote(s) + " (expected one of: open, authenticated)");
    }
}
