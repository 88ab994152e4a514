package io.runagents.ingress.core.demo.authserver;

import java.net.URI;

/**
 * Where an {@link OAuthAuthority} served over HTTP answers, below its issuer: one spelling of the paths for the
 * demo's server, the tests' stub and their handlers.
 *
 * @param issuer {@code http://127.0.0.1:<port>}, without a trailing slash
 */
public record AuthorizationServerUrls(String issuer) {
    public static final String AUTHORIZE_PATH = "/authorize";
    public static final String TOKEN_PATH = "/token";
    public static final String REVOKE_PATH = "/revoke";

    /** The issuer of a server on {@code 127.0.0.1:port}. */
    public static AuthorizationServerUrls loopback(int port) {
        return new AuthorizationServerUrls("http://127.0.0.1:" + port);
    }

    public URI authorizationUrl() {
        return URI.create(issuer + AUTHORIZE_PATH);
    }

    public URI tokenUrl() {
        return URI.create(issuer + TOKEN_PATH);
    }

    public URI revocationUrl() {
        return URI.create(issuer + REVOKE_PATH);
    }

    /** A URL below the issuer, such as a tool's base URL. */
    public URI below(String path) {
        return URI.create(issuer + path);
    }
}
