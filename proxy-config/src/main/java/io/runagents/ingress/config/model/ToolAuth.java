package io.runagents.ingress.config.model;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How the egress authenticates to a tool ({@code auth.type}): not at all, with an API key, or with each user's
 * own OAuth 2.0 tokens. Secrets are never in YAML: only the names of the environment variables that hold them.
 * Each kind is a record of exactly the fields that belong to it.
 */
public sealed interface ToolAuth permits ToolAuth.None, ToolAuth.ApiKey, ToolAuth.OAuth2 {
    /** No credentials are added. */
    None NONE = new None();

    /** The YAML spelling of {@code auth.type}. */
    String typeName();

    /** {@code type: none}. */
    record None() implements ToolAuth {
        @Override
        public String typeName() {
            return "none";
        }
    }

    /** {@code type: apiKey}: the header {@code header} gets the value of environment variable {@code valueEnv}. */
    record ApiKey(String header, String valueEnv) implements ToolAuth {
        public ApiKey {
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(valueEnv, "valueEnv");
        }

        @Override
        public String typeName() {
            return "apiKey";
        }
    }

    /**
     * {@code type: oauth2}: per-user consent (SPEC section 8).
     *
     * @param clientSecretEnv null for a public client ({@code tokenEndpointAuth: none})
     * @param revocationUrl RFC 7009 endpoint used when a grant is revoked; may be null
     * @param issuer the authorization server's issuer, checked against RFC 9207 {@code iss}; may be null
     * @param resource the RFC 8707 resource indicator sent on code and refresh requests; may be null
     */
    record OAuth2(URI authorizationUrl, URI tokenUrl, String clientId, String clientSecretEnv, List<String> scopes,
                  TokenEndpointAuth tokenEndpointAuth, URI revocationUrl, URI issuer, URI resource)
            implements ToolAuth {
        public OAuth2 {
            Objects.requireNonNull(authorizationUrl, "authorizationUrl");
            Objects.requireNonNull(tokenUrl, "tokenUrl");
            Objects.requireNonNull(clientId, "clientId");
            scopes = List.copyOf(scopes);
            Objects.requireNonNull(tokenEndpointAuth, "tokenEndpointAuth");
            if ((clientSecretEnv == null) != (tokenEndpointAuth == TokenEndpointAuth.NONE)) {
                throw new IllegalArgumentException("clientSecretEnv: " + clientSecretEnv
                        + " (expected: set unless tokenEndpointAuth is none)");
            }
        }

        @Override
        public String typeName() {
            return "oauth2";
        }
    }

    /** How the proxy authenticates to the token endpoint (RFC 6749 section 2.3). */
    enum TokenEndpointAuth {
        CLIENT_SECRET_BASIC, CLIENT_SECRET_POST, NONE;

        /** The YAML spelling: {@code client_secret_basic}, {@code client_secret_post}, {@code none}. */
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
