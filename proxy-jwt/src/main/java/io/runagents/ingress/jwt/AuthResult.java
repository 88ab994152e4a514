package io.runagents.ingress.jwt;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The outcome of {@link JwtAuthenticator#authenticate(String)}.
 *
 * <p>{@link Authenticated}, {@link Rejected} and {@link Unavailable} are final. {@link Pending} is returned only
 * when the decision needs a JWKS fetch; its stage completes, on the fetch executor, with one of the three final
 * kinds (never with {@code Pending} again).
 */
public sealed interface AuthResult
        permits AuthResult.Authenticated, AuthResult.Rejected, AuthResult.Unavailable, AuthResult.Pending {

    /**
     * The token is valid and the user is allowed.
     *
     * @param userId the {@code userIDClaim} value (non-empty, no control characters or {@code ,}, at most 256 chars)
     * @param email the {@code email} claim when it is a string, else null
     * @param groups from {@code groupsClaim}: a string becomes one group, an array its string elements
     * @param scopes from {@code scope} (a space-separated string) or {@code scp} (an array, or such a string);
     *               empty when the token has neither
     * @param provider the identity provider's name
     * @param expiresAt the token's {@code exp}
     * @param claims the raw values of the claims named in the provider's {@code claimHeaders} (absent ones omitted)
     * @param keyId the {@code kid} of the key that verified the token (its RFC 7638 thumbprint when it has none)
     * @param memo what the proxy derives from this verification and keeps with it (see {@link TokenMemo})
     */
    record Authenticated(String userId, String email, List<String> groups, List<String> scopes, String provider,
                         Instant expiresAt, Map<String, Object> claims, String keyId, TokenMemo memo)
            implements AuthResult {
        public Authenticated {
            Objects.requireNonNull(userId, "userId");
            groups = List.copyOf(groups);
            scopes = List.copyOf(scopes);
            Objects.requireNonNull(memo, "memo");
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(expiresAt, "expiresAt");
            claims = Map.copyOf(claims);
            Objects.requireNonNull(keyId, "keyId");
        }

        /** A result with a memo of its own. */
        public Authenticated(String userId, String email, List<String> groups, List<String> scopes, String provider,
                             Instant expiresAt, Map<String, Object> claims, String keyId) {
            this(userId, email, groups, scopes, provider, expiresAt, claims, keyId, new TokenMemo());
        }
    }

    /**
     * The token was refused: 401 unless {@link #forbidden()}, then 403.
     *
     * @param description header-safe text for {@code error_description}; never contains token content
     */
    record Rejected(RejectReason reason, String description) implements AuthResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(description, "description");
        }

        /** A rejection with the reason's own description. */
        public static Rejected of(RejectReason reason) {
            return new Rejected(reason, reason.description());
        }

        /** True when the answer is 403 rather than 401. */
        public boolean forbidden() {
            return reason.forbidden();
        }
    }

    /** No keys can be had for the provider (JWKS unreachable and nothing usable cached): 503. */
    record Unavailable(String description) implements AuthResult {
        public Unavailable {
            Objects.requireNonNull(description, "description");
        }
    }

    /**
     * The decision waits for a key fetch. The caller pauses the request and resumes when {@code completion}
     * completes; it completes on the fetch executor, never synchronously inside {@code authenticate}. As with any
     * {@code CompletableFuture}, a non-async callback may run on a thread that attaches after completion or waits
     * on the stage, so resume by hopping to your own thread (proxy-core: {@code channel.eventLoop().execute}).
     */
    record Pending(CompletionStage<AuthResult> completion) implements AuthResult {
        public Pending {
            Objects.requireNonNull(completion, "completion");
        }
    }
}
