package io.runagents.ingress.config.load;

import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Binds an {@code agents/*.yaml} document's {@code spec}. */
final class AgentBinder {
    static final String[] SPEC_FIELDS = {"host", "pathPrefix", "upstream", "upstreams", "stripPrefix", "access",
        "identityProvider", "timeoutSeconds", "maxBodyBytes"};

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
        spec.checkUnknown(SPEC_FIELDS);

        if (spec.document().hasErrors()) {
            return null;
        }
        return new Agent(name, host, pathPrefix == null ? "/" : pathPrefix, upstreams,
                stripPrefix != null && stripPrefix, access == null ? Access.AUTHENTICATED : access, identityProvider,
                timeout == null ? Agent.DEFAULT_TIMEOUT_SECONDS : timeout, maxBodyBytes);
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
