package io.runagents.ingress.core.demo.authserver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The registered clients, and the check of what a request presented to authenticate as one. Thread-safe. */
final class ClientRegistry {
    private final Map<String, OAuthClient> clients = new ConcurrentHashMap<>();

    /** Registers {@code client}, replacing one with the same id. */
    void register(OAuthClient client) {
        clients.put(client.clientId(), client);
    }

    /** The client with this id, or null. */
    OAuthClient find(String clientId) {
        return clientId == null ? null : clients.get(clientId);
    }

    /**
     * The client {@code presented} proves to be: known, using the one method it is registered with (a
     * confidential client that leaves its secret out is refused, not taken for a public one), with its secret.
     */
    OAuthClient authenticate(ClientCredentials presented) throws OAuthError {
        OAuthClient client = clients.get(presented.clientId());
        if (client == null) {
            throw OAuthError.invalidClient("unknown client");
        }
        if (presented.method() != client.authMethod()) {
            throw OAuthError.invalidClient("this client authenticates with " + client.authMethod().wireName()
                    + ", not " + presented.method().wireName());
        }
        if (client.secret() != null && !MessageDigest.isEqual(client.secret().getBytes(StandardCharsets.UTF_8),
                presented.secret().getBytes(StandardCharsets.UTF_8))) {
            throw OAuthError.invalidClient("wrong client secret");
        }
        return client;
    }
}
