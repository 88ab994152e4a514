package io.runagents.ingress.core.demo.authserver;

import io.runagents.ingress.tokenstore.Secret;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The rules and the state of the authorization server, without its HTTP: registered clients, authorization
 * codes, and the grants made of them. Each grant (a "family") holds its access tokens and a chain of refresh
 * tokens, each rotated one replacing the last. Tokens are random and opaque, prefixed by their kind
 * ({@code ac_}, {@code at_}, {@code rt_}) for whoever reads a test's failure.
 *
 * <p>Thread-safe. The codes and tokens sit behind one lock: redeeming a code or rotating a refresh token
 * checks and changes several of them at once, and this server sees a test's or a demo's traffic, not a
 * crowd's. Nothing is ever forgotten (a used code and a rotated token must stay recognisable as such).
 */
public final class OAuthAuthority {
    /** RFC 6749 section 4.1.2: "a maximum authorization code lifetime of 10 minutes is RECOMMENDED". */
    public static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
    /** RFC 7636 section 4.1: 43 to 128 unreserved characters. */
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ClientRegistry clients = new ClientRegistry();
    private final AtomicReference<TokenSettings> settings;

    private final Object lock = new Object();
    private final Map<String, Code> codes = new HashMap<>();
    private final Map<String, RefreshToken> refreshTokens = new HashMap<>();
    private final Map<String, AccessToken> accessTokens = new HashMap<>();
    private final List<Family> families = new ArrayList<>();

    /** An issued code; guarded by {@link #lock}. */
    private static final class Code {
        final AuthorizationRequest request;
        final String account;
        final Instant expiresAt;
        boolean used;
        Family family;

        Code(AuthorizationRequest request, String account, Instant expiresAt) {
            this.request = request;
            this.account = account;
            this.expiresAt = expiresAt;
        }
    }

    /** One grant: what a redeemed code began; guarded by {@link #lock}. */
    private static final class Family {
        final String clientId;
        final String account;
        final String scope;
        final String resource;
        boolean revoked;

        Family(String clientId, String account, String scope, String resource) {
            this.clientId = clientId;
            this.account = account;
            this.scope = scope;
            this.resource = resource;
        }
    }

    /** Guarded by {@link #lock}. */
    private static final class RefreshToken {
        final Family family;
        boolean rotated;

        RefreshToken(Family family) {
            this.family = family;
        }
    }

    /** Guarded by {@link #lock}. */
    private static final class AccessToken {
        final Family family;
        final String scope;
        final Instant expiresAt;
        boolean revoked;

        AccessToken(Family family, String scope, Instant expiresAt) {
            this.family = family;
            this.scope = scope;
            this.expiresAt = expiresAt;
        }

        boolean usable(Instant now) {
            return !revoked && !family.revoked && now.isBefore(expiresAt);
        }
    }

    public OAuthAuthority(Clock clock, TokenSettings settings) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = new AtomicReference<>(Objects.requireNonNull(settings, "settings"));
    }

    /** Registers {@code client}, replacing one with the same id. */
    public void register(OAuthClient client) {
        clients.register(client);
    }

    public TokenSettings settings() {
        return settings.get();
    }

    /** Changes how the token endpoint answers from the next request on; issued tokens keep their lifetime. */
    public void settings(UnaryOperator<TokenSettings> change) {
        settings.updateAndGet(current -> Objects.requireNonNull(change.apply(current), "settings"));
    }

    /**
     * Checks an authorization request's query parameters (RFC 6749 section 4.1.1, RFC 7636 section 4.3): a
     * known {@code client_id}, one of its redirect URIs, {@code response_type=code}, an S256
     * {@code code_challenge}, and a {@code resource} that is an absolute URI without a fragment when present.
     */
    public AuthorizationCheck check(Map<String, String> query) {
        return AuthorizationRequestCheck.check(clients, query);
    }

    /** The user {@code account} allowed {@code request}: a new single-use code, valid {@link #CODE_LIFETIME}. */
    public String issueCode(AuthorizationRequest request, String account) {
        if (account == null || account.isEmpty()) {
            throw new IllegalArgumentException("account: " + account + " (expected: a non-empty string)");
        }
        String code = newToken("ac_");
        synchronized (lock) {
            codes.put(code, new Code(request, account, clock.instant().plus(CODE_LIFETIME)));
        }
        return code;
    }

    /**
     * A token request (RFC 6749 sections 4.1.3 and 6): authenticates the client, then redeems a code or a
     * refresh token. Throws the OAuth error to answer.
     */
    public IssuedTokens token(Map<String, String> form, ClientCredentials presented) throws OAuthError {
        OAuthClient client = clients.authenticate(presented);
        String grantType = required(form, "grant_type");
        return switch (grantType) {
            case "authorization_code" -> redeem(client, form);
            case "refresh_token" -> refresh(client, form);
            default -> throw new OAuthError(400, "unsupported_grant_type",
                    "grant_type must be authorization_code or refresh_token");
        };
    }

    /**
     * A revocation request (RFC 7009): a refresh token ends its whole grant, an access token only itself. A
     * token this server never issued is answered as revoked, as section 2.2 requires.
     */
    public RevokedToken revoke(Map<String, String> form, ClientCredentials presented) throws OAuthError {
        OAuthClient client = clients.authenticate(presented);
        String token = required(form, "token");
        synchronized (lock) {
            RefreshToken refresh = refreshTokens.get(token);
            AccessToken access = accessTokens.get(token);
            Family family = refresh != null ? refresh.family : access != null ? access.family : null;
            if (family == null) {
                return new RevokedToken(RevokedToken.Kind.UNKNOWN, null);
            }
            if (!family.clientId.equals(client.clientId())) {
                throw OAuthError.invalidRequest("the token was issued to another client");
            }
            if (refresh != null) {
                family.revoked = true;
                return new RevokedToken(RevokedToken.Kind.REFRESH_TOKEN, family.account);
            }
            access.revoked = true;
            return new RevokedToken(RevokedToken.Kind.ACCESS_TOKEN, family.account);
        }
    }

    /** What {@code accessToken} stands for while it is valid: issued here, not expired, not revoked. */
    public Optional<AccessGrant> accessGrant(String accessToken) {
        Instant now = clock.instant();
        synchronized (lock) {
            AccessToken token = accessToken == null ? null : accessTokens.get(accessToken);
            if (token == null || !token.usable(now)) {
                return Optional.empty();
            }
            return Optional.of(new AccessGrant(token.family.account, token.family.clientId, token.scope,
                    token.expiresAt));
        }
    }

    /** Ends every grant of {@code account}, as a user removing the app at the provider does; returns how many. */
    public int revokeAccount(String account) {
        synchronized (lock) {
            int ended = 0;
            for (Family family : families) {
                if (family.account.equals(account) && !family.revoked) {
                    family.revoked = true;
                    ended++;
                }
            }
            return ended;
        }
    }

    private IssuedTokens redeem(OAuthClient client, Map<String, String> form) throws OAuthError {
        String value = required(form, "code");
        String redirectUri = required(form, "redirect_uri");
        String verifier = required(form, "code_verifier");
        if (!VERIFIER.matcher(verifier).matches()) {
            throw OAuthError.invalidRequest("code_verifier must be 43 to 128 unreserved characters (RFC 7636)");
        }
        synchronized (lock) {
            Code code = codes.get(value);
            if (code == null || !code.request.client().clientId().equals(client.clientId())) {
                throw OAuthError.invalidGrant("unknown authorization code");
            }
            if (code.used) {
                // RFC 6749 section 4.1.2: a code used twice SHOULD revoke what it granted; one of the two is a thief.
                if (code.family != null) {
                    code.family.revoked = true;
                }
                throw OAuthError.invalidGrant("the authorization code was already used");
            }
            code.used = true; // any attempt uses it up: a failed one must not leave a code to guess at
            if (!clock.instant().isBefore(code.expiresAt)) {
                throw OAuthError.invalidGrant("the authorization code expired");
            }
            if (!redirectUri.equals(code.request.redirectUri())) {
                throw OAuthError.invalidGrant("redirect_uri differs from the authorization request's");
            }
            if (!Secret.of(verifier).s256Challenge().equals(code.request.codeChallenge())) {
                throw OAuthError.invalidGrant("code_verifier does not match the code_challenge");
            }
            String resource = checkedResource(form, code.request.resource());
            TokenSettings now = settings.get();
            Family family = new Family(client.clientId(), code.account,
                    now.grantedScope() != null ? now.grantedScope() : code.request.scope(), resource);
            families.add(family);
            code.family = family;
            String refresh = now.refreshTokens() == TokenSettings.RefreshTokens.NONE ? null : newRefreshToken(family);
            return issue("authorization_code", family, family.scope, refresh, now);
        }
    }

    private IssuedTokens refresh(OAuthClient client, Map<String, String> form) throws OAuthError {
        String value = required(form, "refresh_token");
        synchronized (lock) {
            RefreshToken token = refreshTokens.get(value);
            if (token == null || !token.family.clientId.equals(client.clientId())) {
                throw OAuthError.invalidGrant("unknown refresh token");
            }
            TokenSettings now = settings.get();
            if (token.rotated) {
                if (now.revokeFamilyOnReuse()) {
                    token.family.revoked = true;
                }
                throw OAuthError.invalidGrant("the refresh token was already used (rotated)");
            }
            if (token.family.revoked) {
                throw OAuthError.invalidGrant("the grant was revoked");
            }
            String asked = form.get("scope");
            if (asked != null && !scopes(token.family.scope).containsAll(scopes(asked))) {
                throw new OAuthError(400, "invalid_scope", "a refresh may not widen the granted scope");
            }
            checkedResource(form, token.family.resource);
            String scope = now.grantedScope() != null ? now.grantedScope() : asked != null ? asked : token.family.scope;
            String next = null;
            if (now.refreshTokens() == TokenSettings.RefreshTokens.ROTATE) {
                token.rotated = true;
                next = newRefreshToken(token.family);
            }
            return issue("refresh_token", token.family, scope, next, now);
        }
    }

    /** Called with {@link #lock} held. */
    private IssuedTokens issue(String grantType, Family family, String scope, String refreshToken, TokenSettings now) {
        String access = newToken("at_");
        accessTokens.put(access, new AccessToken(family, scope, clock.instant().plus(now.accessTokenLifetime())));
        Long expiresIn = now.sendExpiresIn() ? now.accessTokenLifetime().toSeconds() : null;
        return new IssuedTokens(grantType, access, expiresIn, refreshToken, scope, family.account);
    }

    /** Called with {@link #lock} held. */
    private String newRefreshToken(Family family) {
        String value = newToken("rt_");
        refreshTokens.put(value, new RefreshToken(family));
        return value;
    }

    /** RFC 8707 section 2.2: a token request may name the grant's resource, and no other. */
    private static String checkedResource(Map<String, String> form, String granted) throws OAuthError {
        String asked = form.get("resource");
        if (asked != null && !asked.equals(granted)) {
            throw new OAuthError(400, "invalid_target", "resource differs from the one the grant was made for");
        }
        return granted;
    }

    private static Set<String> scopes(String scope) {
        return scope == null || scope.isBlank() ? Set.of() : Set.copyOf(Arrays.asList(scope.trim().split(" +")));
    }

    private static String required(Map<String, String> form, String name) throws OAuthError {
        String value = form.get(name);
        if (value == null) {
            throw OAuthError.invalidRequest(name + " is missing");
        }
        return value;
    }

    private String newToken(String prefix) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
