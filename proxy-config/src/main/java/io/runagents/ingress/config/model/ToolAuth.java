package io.runagents.ingress.config.model;

import java.util.List;
import java.util.Objects;

/**
 * How the egress authenticates to a tool. Secrets are never in YAML: only the names of the environment
 * variables that hold them. Fields that do not belong to {@code type} are null (or empty).
 */
public record ToolAuth(Type type, String authorizationUrl, String tokenUrl, String clientId,
                       String clientSecretEnv, List<String> scopes, String apiKeyHeader, String apiKeyValueEnv) {
    public static final ToolAuth NONE = new ToolAuth(Type.NONE, null, null, null, null, List.of(), null, null);

    /** The {@code auth.type} values. */
    public enum Type { NONE, API_KEY, OAUTH2 }

    public ToolAuth {
        Objects.requireNonNull(type, "type");
        scopes = List.copyOf(scopes);
    }
}
