package io.runagents.ingress.tokenstore;

import java.util.Objects;

/** What the token endpoint said to a refresh (SPEC section 8, step 4). */
public sealed interface RefreshResult permits RefreshResult.Rotated, RefreshResult.InvalidGrant, RefreshResult.Failed {

    /**
     * New tokens. A null {@link TokenSet#refreshToken()} keeps the old refresh token, null
     * {@link TokenSet#scopes()} keeps the old scopes.
     */
    record Rotated(TokenSet tokens) implements RefreshResult {
        public Rotated {
            Objects.requireNonNull(tokens, "tokens");
        }
    }

    /** {@code invalid_grant}: the grant is over; the store deletes it. */
    record InvalidGrant() implements RefreshResult {
    }

    /**
     * Any other failure (other 4xx, 429, 5xx, timeout): the grant is kept as it was.
     *
     * @param reason an error code for the audit trail and metrics ({@code timeout}, {@code http_503},
     *               {@code invalid_client}, ...)
     * @param detail a short description for the caller's answer and logs; never token content
     */
    record Failed(String reason, String detail) implements RefreshResult {
        public Failed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
