package io.runagents.ingress.core.demo.authserver;

/** How a client authenticates at the token and revocation endpoints (RFC 6749 section 2.3, RFC 7591 names). */
public enum ClientAuthMethod {
    /** {@code Authorization: Basic} with the form-encoded client id and secret. */
    CLIENT_SECRET_BASIC("client_secret_basic"),
    /** {@code client_id} and {@code client_secret} in the form body. */
    CLIENT_SECRET_POST("client_secret_post"),
    /** A public client: {@code client_id} in the body and no secret; PKCE is its only proof. */
    NONE("none");

    private final String wireName;

    ClientAuthMethod(String wireName) {
        this.wireName = wireName;
    }

    /** The name as {@code token_endpoint_auth_method} and a tool's {@code tokenEndpointAuth} spell it. */
    public String wireName() {
        return wireName;
    }
}
