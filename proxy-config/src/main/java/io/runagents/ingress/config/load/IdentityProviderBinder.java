package io.runagents.ingress.config.load;

import io.runagents.ingress.config.model.IdentityProvider;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Binds an {@code identity-providers/*.yaml} document's {@code spec}. */
final class IdentityProviderBinder {
    static final String[] SPEC_FIELDS = {"host", "identityProvider", "userIDClaim", "allowedDomains", "groupsClaim",
        "forwardToken", "claimHeaders"};
    static final String[] IDP_FIELDS = {"issuer", "jwksUri", "audiences", "algorithms", "clockSkewSeconds",
        "maxTokenLifetimeSeconds"};

    private IdentityProviderBinder() {
    }

    /** The provider, or null when the document had errors (all of them reported). */
    static IdentityProvider bind(String name, FieldReader spec) {
        String host = spec.convert("host", spec.requiredString("host"), Values::hostname);

        String issuer = null;
        URI jwksUri = null;
        List<String> audiences = List.of();
        List<String> algorithms = IdentityProvider.DEFAULT_ALGORITHMS;
        Integer clockSkew = null;
        Long maxLifetime = null;
        FieldReader idp = spec.requiredMapping("identityProvider");
        if (idp != null) {
            issuer = idp.requiredString("issuer");
            // The issuer stays a string: it must equal the token's iss byte for byte.
            idp.convert("issuer", issuer, Values::secureUrl);
            jwksUri = idp.convert("jwksUri", idp.requiredString("jwksUri"), Values::secureUrl);
            audiences = orEmpty(idp.checkList("audiences", Function.identity(), "audience"));
            List<String> algs = idp.nonEmptyStrings("algorithms", IdentityProviderBinder::algorithm,
                    "at least one of " + String.join(", ", IdentityProvider.DEFAULT_ALGORITHMS));
            if (algs != null) {
                algorithms = algs;
            }
            clockSkew = idp.integer("clockSkewSeconds", 0);
            maxLifetime = idp.longValue("maxTokenLifetimeSeconds", 1);
            idp.checkUnknown(IDP_FIELDS);
        }

        String userIdClaim = spec.requiredString("userIDClaim");
        List<String> allowedDomains = orEmpty(spec.checkList("allowedDomains", Values::domain, "domain"));
        String groupsClaim = spec.string("groupsClaim");
        Boolean forwardToken = spec.bool("forwardToken");
        Map<String, String> claimHeaders = claimHeaders(spec);
        spec.checkUnknown(SPEC_FIELDS);

        if (spec.document().hasErrors()) {
            return null;
        }
        return new IdentityProvider(name, host, issuer, jwksUri, audiences, algorithms,
                clockSkew == null ? IdentityProvider.DEFAULT_CLOCK_SKEW_SECONDS : clockSkew, maxLifetime,
                userIdClaim, allowedDomains, groupsClaim == null ? IdentityProvider.DEFAULT_GROUPS_CLAIM : groupsClaim,
                forwardToken != null && forwardToken, claimHeaders);
    }

    private static String algorithm(String s) {
        if (!IdentityProvider.DEFAULT_ALGORITHMS.contains(s)) {
            throw new IllegalArgumentException(YamlNode.Scalar.quote(s) + " (expected one of: "
                    + String.join(", ", IdentityProvider.DEFAULT_ALGORITHMS) + ")");
        }
        return s;
    }

    private static Map<String, String> claimHeaders(FieldReader spec) {
        Map<String, String> out = new LinkedHashMap<>();
        FieldReader map = spec.mapping("claimHeaders");
        if (map == null) {
            return out;
        }
        // Header names compare case-insensitively with _ as -, the way the ingress strips them.
        Map<String, String> claimByHeader = new LinkedHashMap<>();
        for (String claim : map.keys()) {
            YamlNode value = map.take(claim);
            String header = map.convert(claim, map.string(map.field(claim), value), Values::claimHeader);
            if (header == null) {
                continue;
            }
            String previous = claimByHeader.putIfAbsent(header.toLowerCase(Locale.ROOT).replace('_', '-'), claim);
            if (previous != null) {
                map.error(claim, YamlNode.Scalar.quote(header) + " (expected: a header not already used for claim "
                        + YamlNode.Scalar.quote(previous) + ")");
            }
            out.put(claim, header);
        }
        return out;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
