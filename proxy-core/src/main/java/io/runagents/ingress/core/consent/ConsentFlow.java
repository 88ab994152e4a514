package io.runagents.ingress.core.consent;

import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.ConsentSettings;
import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.audit.AuditRecord.Decision;
import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.Lookup;
import io.runagents.ingress.tokenstore.PendingConsent;
import io.runagents.ingress.tokenstore.PendingGrant;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.TokenSet;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three steps of a per-user consent (SPEC section 8): start (a state bound to the provider, the user, the tool
 * and a PKCE verifier), the authorization server's callback (the code exchanged for a pending grant, handed back as
 * a one-time consent code), and completion by the same user (the pending grant becomes the grant). Every method
 * returns at once; the work runs on the store's executor.
 */
public final class ConsentFlow {
    private static final Logger log = LoggerFactory.getLogger(ConsentFlow.class);
    /** 256 bits: the state, the PKCE verifier (43 characters) and the consent code. */
    private static final int SECRET_BYTES = 32;

    private final StoreAccess store;
    private final TokenEndpoint endpoint;
    private final UpstreamRevocation revocation;
    private final ConsentAudit audit;
    private final GrantTokens tokens;
    private final Clock clock;

    ConsentFlow(StoreAccess store, TokenEndpoint endpoint, UpstreamRevocation revocation, ConsentAudit audit,
                GrantTokens tokens, Clock clock) {
        this.store = store;
        this.endpoint = endpoint;
        this.revocation = revocation;
        this.audit = audit;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** A started (or reused) consent: where to send the user's browser, and for how long it works. */
    public record Started(URI authorizationUrl, long expiresInSeconds) {
    }

    /**
     * Starts a consent of {@code key} for {@code auth}.
     *
     * @param reuse whether a live pending consent of the same user for the same tool is handed back instead (the
     *              egress's {@code consent_required}: an agent retrying must not end the user's earlier links)
     */
    public CompletableFuture<Started> start(GrantKey key, ToolAuth.OAuth2 auth, ConsentSettings settings,
                                            boolean reuse, ConsentAudit.Cause cause) {
        Objects.requireNonNull(settings.callbackUrl(), "consent.callbackUrl");
        return store.call("start_consent", s -> {
            if (reuse) {
                PendingConsent live = s.findLiveConsent(key).orElse(null);
                if (live != null) {
                    long left = Math.max(1, Duration.between(clock.instant(), live.expiresAt()).toSeconds());
                    return new Started(ConsentUrls.authorization(auth, live, settings.callbackUrl()), left);
                }
            }
            PendingConsent consent = s.createConsent(key, Secret.random(SECRET_BYTES), Secret.random(SECRET_BYTES),
                    Duration.ofSeconds(settings.stateTtlSeconds()));
            audit.event(Decision.STARTED, key, cause, 0, null);
            audit.metrics().consent(key.tool(), "started");
            return new Started(ConsentUrls.authorization(auth, consent, settings.callbackUrl()),
                    settings.stateTtlSeconds());
        });
    }

    /**
     * The authorization server's redirect: {@code ?code=..&state=..} or {@code ?error=..&state=..}, with RFC 9207
     * {@code iss}. The state is used up whatever follows.
     *
     * @param query the callback's query parameters, each with every value it was given
     * @param config the configuration now: the tool the state names, {@code consent.*}
     */
    public CompletableFuture<CallbackAnswer> callback(Map<String, List<String>> query, ConfigSnapshot config,
                                                      ConsentAudit.Cause cause) {
        String state = single(query, "state");
        if (state == null) {
            return CompletableFuture.completedFuture(CallbackAnswer.Page.of(400, "Consent link not valid",
                    "This address lacks its state (or repeats a parameter). Start the consent again from the "
                            + "application.", null));
        }
        return store.call("consume_consent", s -> s.consumeConsent(Secret.of(state))).thenCompose(found -> {
            if (!(found instanceof Lookup.Found<PendingConsent> consent)) {
                return CompletableFuture.completedFuture(CallbackAnswer.Page.of(400, "Consent link expired",
                        "This consent is unknown, was already used, or expired. Start it again from the "
                                + "application.", null));
            }
            return called(consent.value(), query, config, cause);
        });
    }

    private CompletableFuture<CallbackAnswer> called(PendingConsent consent, Map<String, List<String>> query,
                                                     ConfigSnapshot config, ConsentAudit.Cause cause) {
        GrantKey key = consent.key();
        ConsentSettings settings = config.proxy().consent();
        ToolAuth.OAuth2 auth = oauth2(config, key.tool());
        if (auth == null || settings.callbackUrl() == null) {
            return done(denied(key, settings, "server_error", "tool_not_configured", cause));
        }
        String error = single(query, "error");
        if (error != null) {
            return done(denied(key, settings, ConsentAudit.errorCode(error), error, cause));
        }
        String issuer = single(query, "iss");
        if (issuer != null && auth.issuer() != null && !issuer.equals(auth.issuer().toString())) {
            // RFC 9207 section 2.4: a response from another issuer may be a mix-up attack; its code is not used.
            log.warn("[{}] consent callback for tool {} came with iss {} instead of {}: code not exchanged",
                    cause.requestId(), key.tool(), sanitize(issuer), auth.issuer());
            return done(denied(key, settings, "server_error", "issuer_mismatch", cause));
        }
        String code = single(query, "code");
        if (code == null) {
            return done(denied(key, settings, "server_error", "no_code", cause));
        }
        return endpoint.exchangeCode(auth, Secret.of(code), consent.verifier(), settings.callbackUrl())
                .thenApplyAsync(answer -> exchanged(key, auth, settings, answer, cause), store.executor());
    }

    private CallbackAnswer exchanged(GrantKey key, ToolAuth.OAuth2 auth, ConsentSettings settings,
                                     TokenEndpoint.Answer answer, ConsentAudit.Cause cause) {
        if (answer instanceof TokenEndpoint.Answer.Refused refused) {
            if (refused.configurationError()) {
                log.error("tool {}: its token endpoint refused the proxy's client ({}): check clientId and "
                        + "clientSecretEnv", key.tool(), ConsentAudit.errorCode(refused.error()));
            } else {
                log.warn("[{}] consent code exchange for tool {} refused: {}", cause.requestId(), key.tool(),
                        ConsentAudit.errorCode(refused.error()));
            }
            return denied(key, settings, "server_error", refused.error(), cause);
        }
        if (answer instanceof TokenEndpoint.Answer.Failed failed) {
            log.warn("[{}] consent code exchange for tool {} failed: {}", cause.requestId(), key.tool(),
                    failed.detail());
            return denied(key, settings, "server_error", failed.reason(), cause);
        }
        TokenEndpoint.Answer.Tokens issued = (TokenEndpoint.Answer.Tokens) answer;
        TokenSet received = issued.tokens();
        // RFC 6749 section 5.1: no scope in the answer means the scopes asked for were granted.
        TokenSet pending = received.scopes() != null ? received
                : new TokenSet(received.accessToken(), received.refreshToken(), received.accessExpiresAt(),
                auth.scopes());
        Secret consentCode = Secret.random(SECRET_BYTES);
        store.callHere("put_pending_grant", s -> s.putPendingGrant(consentCode, key, pending,
                Duration.ofSeconds(settings.stateTtlSeconds())));
        if (settings.returnUrl() != null) {
            return new CallbackAnswer.Redirect(ConsentUrls.back(settings.returnUrl(), key.tool(), "consent_code",
                    consentCode.reveal()));
        }
        return CallbackAnswer.Page.of(200, "Almost done",
                "Copy this one-time code into the application to finish connecting " + key.tool() + ".",
                consentCode.reveal());
    }

    /** The user (or the exchange) said no: audited, and the browser goes back with the error and no code. */
    private CallbackAnswer denied(GrantKey key, ConsentSettings settings, String wireError, String reason,
                                  ConsentAudit.Cause cause) {
        audit.event(Decision.DENIED, key, cause, settings.returnUrl() != null ? 303 : 400, reason);
        audit.metrics().consent(key.tool(), "denied");
        if (settings.returnUrl() != null) {
            return new CallbackAnswer.Redirect(ConsentUrls.back(settings.returnUrl(), key.tool(), "error", wireError));
        }
        return CallbackAnswer.Page.of(400, "Not connected", "Connecting " + key.tool() + " did not succeed ("
                + wireError + "). You can start again from the application.", null);
    }

    /** What completing a consent gave. */
    public sealed interface Completion {
        /** The grant is active. */
        record Granted(String tool, List<String> scopes) implements Completion {
        }

        /** Someone else started it: its tokens were destroyed (and are being revoked upstream). */
        record Mismatch() implements Completion {
        }

        /** Unknown, used or expired. */
        record InvalidCode() implements Completion {
        }
    }

    /**
     * Step 3: the pending grant of {@code consentCode} becomes the grant of {@code caller} when {@code caller} (the
     * JWT's provider and user, and the tool in the path) is whose consent it was; otherwise it is destroyed.
     */
    public CompletableFuture<Completion> complete(GrantKey caller, String consentCode, ConfigSnapshot config,
                                                  ConsentAudit.Cause cause) {
        if (consentCode == null || consentCode.isEmpty() || consentCode.length() > 256) {
            return CompletableFuture.completedFuture(new Completion.InvalidCode());
        }
        return store.call("complete_consent", s -> {
            Lookup<PendingGrant> taken = s.consumePendingGrant(Secret.of(consentCode));
            if (!(taken instanceof Lookup.Found<PendingGrant> found)) {
                return new Completion.InvalidCode();
            }
            PendingGrant pending = found.value();
            ToolAuth.OAuth2 auth = oauth2(config, pending.key().tool());
            if (!pending.key().equals(caller)) {
                log.warn("[{}] consent code of {} ({}) for tool {} presented by {} ({}) for tool {}: tokens destroyed",
                        cause.requestId(), pending.key().userId(), pending.key().provider(), pending.key().tool(),
                        caller.userId(), caller.provider(), caller.tool());
                revocation.revoke(auth, pending.tokens());
                audit.event(Decision.MISMATCH, pending.key(), cause, 403, "consent_user_mismatch");
                audit.metrics().consent(pending.key().tool(), "mismatch");
                return new Completion.Mismatch();
            }
            Lookup<io.runagents.ingress.tokenstore.Grant> replaced = s.replace(caller, pending.tokens());
            tokens.forget(caller);
            replaced.found().ifPresent(old -> revocation.revoke(auth, old.accessToken(), old.refreshToken()));
            audit.event(Decision.GRANTED, caller, cause, 200, null);
            audit.metrics().consent(caller.tool(), "granted");
            return new Completion.Granted(caller.tool(), pending.tokens().scopes());
        });
    }

    /** The tool's OAuth settings in {@code config}, or null when it is gone or no longer uses OAuth2. */
    static ToolAuth.OAuth2 oauth2(ConfigSnapshot config, String tool) {
        return config.tool(tool).map(Tool::auth).filter(ToolAuth.OAuth2.class::isInstance)
                .map(ToolAuth.OAuth2.class::cast).orElse(null);
    }

    /** The one value of {@code name}, or null when it is absent, empty or repeated (RFC 6749 section 3.1). */
    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.size() != 1 || values.get(0).isEmpty() ? null : values.get(0);
    }

    private static String sanitize(String text) {
        String cut = text.length() > 200 ? text.substring(0, 200) : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static CompletableFuture<CallbackAnswer> done(CallbackAnswer answer) {
        return CompletableFuture.completedFuture(answer);
    }
}
