package io.runagents.ingress.core.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.runagents.ingress.config.model.IdentityProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * The demo's own identity provider: an RSA key made at start, its JWKS served on loopback, and tokens
 * minted on request. Stands in for Google, Entra ID, Auth0 or Okta so the demo needs no account anywhere.
 */
public final class DemoIdentityProvider implements AutoCloseable {
    static final String NAME = "demo-idp";
    static final String AUDIENCE = "runagents-demo";
    static final String ALLOWED_DOMAIN = "example.com";

    private final RSAKey key;
    private final HttpServer server;

    private DemoIdentityProvider(RSAKey key, HttpServer server) {
        this.key = key;
        this.server = server;
    }

    /** Generates a key and serves its JWKS at {@code http://127.0.0.1:<port>/jwks.json}. */
    public static DemoIdentityProvider start() throws IOException {
        RSAKey key;
        try {
            key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate the demo key", e);
        }
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "max-age=300");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jwks);
            }
        });
        server.start();
        return new DemoIdentityProvider(key, server);
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The provider as the proxy is configured with it: {@code email} is the user id, only example.com. */
    public IdentityProvider provider(String host) {
        return new IdentityProvider(NAME, host, issuer(), URI.create(issuer() + "/jwks.json"), List.of(AUDIENCE),
                IdentityProvider.DEFAULT_ALGORITHMS, IdentityProvider.DEFAULT_CLOCK_SKEW_SECONDS, null, "email",
                List.of(ALLOWED_DOMAIN), IdentityProvider.DEFAULT_GROUPS_CLAIM, false, Map.of());
    }

    /** A signed token for {@code email}, valid for {@code lifetime}, with the given groups. */
    public String mint(String email, List<String> groups, Duration lifetime) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer())
                .subject(email)
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .claim("email", email)
                .claim("email_verified", true)
                .claim("groups", groups)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a demo token", e);
        }
        return jwt.serialize();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
