package io.runagents.ingress.jwt.jwks;

/** A JWKS fetch or document that cannot be used; the last good key set stays. */
public final class JwksException extends Exception {
    public JwksException(String message) {
        super(message);
    }

    public JwksException(String message, Throwable cause) {
        super(message, cause);
    }
}
