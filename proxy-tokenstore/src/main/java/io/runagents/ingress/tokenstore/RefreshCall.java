package io.runagents.ingress.tokenstore;

/**
 * The token-endpoint request of a refresh, made by the caller while {@link TokenStore#refresh} holds the grant's
 * lock. It must be bounded by its own timeout ({@code consent.tokenTimeoutMillis}): every other replica waiting for
 * this grant waits for it.
 */
@FunctionalInterface
public interface RefreshCall {

    /**
     * Refreshes {@code current} (its {@link Grant#refreshToken()} is the one to send). Should not throw: a thrown
     * exception rolls the transaction back, keeps the grant and propagates.
     */
    RefreshResult refresh(Grant current);
}
