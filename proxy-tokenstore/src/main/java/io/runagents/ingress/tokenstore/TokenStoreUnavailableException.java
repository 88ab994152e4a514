package io.runagents.ingress.tokenstore;

/**
 * The store could not be used: unreachable, no connection within the connect timeout, a lock not had within the
 * lock timeout, or a failed statement. The caller answers 503. The message names what failed, never a secret.
 */
public final class TokenStoreUnavailableException extends RuntimeException {

    /** An exception with {@code message}, caused by {@code cause}. */
    public TokenStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
