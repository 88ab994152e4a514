package io.runagents.ingress.core.consent;

import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.TokenSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Revokes tokens the proxy gives up (RFC 7009), best effort: a revoked or replaced grant, the tokens of a
 * mismatched or expired pending grant. The refresh token is revoked when there is one (servers then end its
 * access tokens too, RFC 7009 section 2.1), else the access token. Never longer than {@link #BEST_EFFORT_SECONDS}.
 */
final class UpstreamRevocation {
    /** SPEC section 8, step 5: "best effort within 3 s". */
    static final int BEST_EFFORT_SECONDS = 3;

    private final TokenEndpoint endpoint;

    UpstreamRevocation(TokenEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** True when the tool's revocation endpoint accepted it; false without one, on failure or after 3 s. */
    CompletableFuture<Boolean> revoke(ToolAuth.OAuth2 auth, Secret accessToken, Secret refreshToken) {
        if (auth == null || auth.revocationUrl() == null) {
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Boolean> call = refreshToken != null ? endpoint.revoke(auth, refreshToken, "refresh_token")
                : endpoint.revoke(auth, accessToken, "access_token");
        return call.completeOnTimeout(false, BEST_EFFORT_SECONDS, TimeUnit.SECONDS);
    }

    CompletableFuture<Boolean> revoke(ToolAuth.OAuth2 auth, TokenSet tokens) {
        return revoke(auth, tokens.accessToken(), tokens.refreshToken());
    }
}
