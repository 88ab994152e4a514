package io.runagents.ingress.config.load;

import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.config.model.ToolAuth.Type;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** Binds a {@code tools/*.yaml} document's {@code spec}. */
final class ToolBinder {
    static final String[] SPEC_FIELDS = {"baseUrl", "auth"};
    static final String[] AUTH_FIELDS = {"type", "authorizationUrl", "tokenUrl", "clientId", "clientSecretEnv",
        "scopes", "apiKey"};
    static final String[] OAUTH2_FIELDS = {"authorizationUrl", "tokenUrl", "clientId", "clientSecretEnv", "scopes"};
    static final String[] API_KEY_FIELDS = {"header", "valueEnv"};
    /** The YAML spelling of each auth type. */
    static final Map<Type, String> TYPE_NAMES = Map.of(Type.NONE, "none", Type.API_KEY, "apiKey",
            Type.OAUTH2, "oauth2");

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
        Type type = auth.convert("type", auth.string("type"), ToolBinder::type);
        if (type == null && auth.value("type") != null) {
            // An unknown type was reported; the other fields cannot be judged against it.
            for (String f : AUTH_FIELDS) {
                auth.take(f);
            }
            return null;
        }
        if (type == null) {
            type = Type.NONE;
        }
        String typeName = TYPE_NAMES.get(type);
        String notHere = "not allowed when type is " + typeName;
        ToolAuth result = ToolAuth.NONE;
        if (type == Type.OAUTH2) {
            // Kept as strings in the model; checked here so a typo fails at load, not at the first consent.
            String authorizationUrl = auth.requiredString("authorizationUrl");
            auth.convert("authorizationUrl", authorizationUrl, Values::httpUrl);
            String tokenUrl = auth.requiredString("tokenUrl");
            auth.convert("tokenUrl", tokenUrl, Values::httpUrl);
            String clientId = auth.requiredString("clientId");
            String secretEnv = auth.convert("clientSecretEnv", auth.requiredString("clientSecretEnv"),
                    Values::envName);
            List<String> scopes = auth.strings("scopes");
            result = new ToolAuth(Type.OAUTH2, authorizationUrl, tokenUrl, clientId, secretEnv,
                    scopes == null ? List.of() : scopes, null, null);
        } else {
            for (String f : OAUTH2_FIELDS) {
                auth.disallow(f, notHere);
            }
        }
        if (type == Type.API_KEY) {
            FieldReader apiKey = auth.requiredMapping("apiKey");
            if (apiKey != null) {
                String header = apiKey.convert("header", apiKey.requiredString("header"), Values::headerName);
                String valueEnv = apiKey.convert("valueEnv", apiKey.requiredString("valueEnv"), Values::envName);
                apiKey.checkUnknown(API_KEY_FIELDS);
                result = new ToolAuth(Type.API_KEY, null, null, null, null, List.of(), header, valueEnv);
            }
        } else {
            auth.disallow("apiKey", notHere);
        }
        auth.checkUnknown(AUTH_FIELDS);
        return result;
    }

    private static Type type(String s) {
        for (Map.Entry<Type, String> e : TYPE_NAMES.entrySet()) {
            if (e.getValue().equals(s)) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException(YamlNode.Scalar.quote(s) + " (expected one of: none, apiKey, oauth2)");
    }
}
