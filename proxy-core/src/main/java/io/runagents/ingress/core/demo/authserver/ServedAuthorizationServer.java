package io.runagents.ingress.core.demo.authserver;

import java.net.URI;

/** An {@link OAuthAuthority} served over HTTP on a loopback port: where its endpoints are. */
public interface ServedAuthorizationServer extends AutoCloseable {
    /** The port it listens on. */
    int port();

    /** Its endpoints' URLs. */
    default AuthorizationServerUrls urls() {
        return AuthorizationServerUrls.loopback(port());
    }

    /** {@code http://127.0.0.1:<port>}: the issuer, sent as {@code iss} on authorization answers. */
    default String issuer() {
        return urls().issuer();
    }

    default URI authorizationUrl() {
        return urls().authorizationUrl();
    }

    default URI tokenUrl() {
        return urls().tokenUrl();
    }

    default URI revocationUrl() {
        return urls().revocationUrl();
    }
}
