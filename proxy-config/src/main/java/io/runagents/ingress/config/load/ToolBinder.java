package io.runagents.ingress.config.load;

import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.config.model.ToolAuth.TokenEndpointAuth;
import java.net.URI;
import java.util.List;

/** Binds a {@code tools/*.yaml} document's {@code spec}. */
final class ToolBinder {
    static final String[] SPEC_FIELDS = {"baseUrl", "auth"};
    static final String[] AUTH_FIELDS = {"type", "authorizationUrl", "tokenUrl", "clientId", "clientSecretEnv",
        "scopes", "tokenEndpointAuth", "revocationUrl", "issuer", "resource", "apiKey"};
    static final String[] OAUTH2_FIELDS = {"authorizationUrl", "tokenUrl", "clientId", "clientSecretEnv", "scopes",
        "tokenEndpointAuth", "revocationUrl", "issuer", "resource"};
    static final String[] API_KEY_FIELDS = {"header", "valueEnv"};
    private static final List<String> TYPES = List.of("none", "apiKey", "oauth2");

    private ToolBinder() {
    }

    /** The tool, or null when the document had errors (all of them reported). */
    static Tool bind(String name, FieldReader spec) {
        URI baseUrl = spec.convert("baseUrl", spec.requiredString("baseUrl"), Values::httpUrl);
        FieldReader authSpec = spec.mapping("auth");
        ToolAuth auth = authSpec == null ? ToolAuth.NONE : auth(authSpec);
        spec.checkUnknown(SPEC_FIELDS);
        if (spec.document().hasErrors()) {
            return null;
        }
        return new Tool(name, baseUrl, auth);
    }

    private static ToolAuth auth(FieldReader auth) {
        String type = auth.convert("type", auth.string("type"), ToolBinder::type);
        if (type == null && auth.value("type") != null) {
            // An unknown type was reported; the other fields cannot be judged against it.
            for (String f : AUTH_FIELDS) {
                auth.take(f);
            }
            return null;
        }
        String typeName = type == null ? "none" : type;
        String notHere = "not allowed when type is " + typeName;
        ToolAuth result = ToolAuth.NONE;
        if (typeName.equals("oauth2")) {
            result = oauth2(auth);
        } else {
            for (String f : OAUTH2_FIELDS) {
                auth.disallow(f, notHere);
            }
        }
        if (typeName.equals("apiKey")) {
            FieldReader apiKey = auth.requiredMapping("apiKey");
            if (apiKey != null) {
                String header = apiKey.convert("header", apiKey.requiredString("header"), Values::headerName);
                String valueEnv = apiKey.convert("valueEnv", apiKey.requiredString("valueEnv"), Values::envName);
                apiKey.checkUnknown(API_KEY_FIELDS);
                result = header == null || valueEnv == null ? null : new ToolAuth.ApiKey(header, valueEnv);
            }
        } else {
            auth.disallow("apiKey", notHere);
        }
        auth.checkUnknown(AUTH_FIELDS);
        return result;
    }

    /** The URLs follow the identity providers' rule: https, or http for a loopback host. */
    private static ToolAuth oauth2(FieldReader auth) {
        URI authorizationUrl = auth.convert("authorizationUrl", auth.requiredString("authorizationUrl"),
                Values::secureUrl);
        URI tokenUrl = auth.convert("tokenUrl", auth.requiredString("tokenUrl"), Values::secureUrl);
        String clientId = auth.requiredString("clientId");
        TokenEndpointAuth method = auth.convert("tokenEndpointAuth", auth.string("tokenEndpointAuth"),
                ToolBinder::tokenEndpointAuth);
        TokenEndpointAuth endpointAuth = method == null ? TokenEndpointAuth.CLIENT_SECRET_BASIC : method;
        String secretEnv;
        if (endpointAuth == TokenEndpointAuth.NONE) {
            auth.disallow("clientSecretEnv", "not allowed when tokenEndpointAuth is none (a public client)");
            secretEnv = null;
        } else {
            secretEnv = auth.convert("clientSecretEnv", auth.requiredString("clientSecretEnv"), Values::envName);
        }
        List<String> scopes = auth.value("scopes") == null ? List.of() : auth.strings("scopes", Values::scope);
        URI revocationUrl = auth.convert("revocationUrl", auth.string("revocationUrl"), Values::secureUrl);
        URI issuer = auth.convert("issuer", auth.string("issuer"), Values::secureUrl);
        URI resource = auth.convert("resource", auth.string("resource"), Values::httpUrl);
        if (authorizationUrl == null || tokenUrl == null || clientId == null || scopes == null
                || (secretEnv == null && endpointAuth != TokenEndpointAuth.NONE) || auth.document().hasErrors()) {
            return null;
        }
        return new ToolAuth.OAuth2(authorizationUrl, tokenUrl, clientId, secretEnv, scopes, endpointAuth,
                revocationUrl, issuer, resource);
    }

    private static String type(String s) {
        if (!TYPES.contains(s)) {
            throw new IllegalArgumentException(YamlNode.Scalar.quote(s) + " (expected one of: none, apiKey, oauth2)");
        }
        return s;
    }

    private static TokenEndpointAuth tokenEndpointAuth(String s) {
        for (TokenEndpointAuth a : TokenEndpointAuth.values()) {
            if (a.yamlName().equals(s)) {
                return a;
            }
        }
        throw new IllegalArgumentException(YamlNode.Scalar.quote(s)
                + " (expected one of: client_secret_basic, client_secret_post, none)");
    }
}
