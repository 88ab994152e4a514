package io.runagents.ingress.core.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.ConsentSettings;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.consent.CallbackAnswer;
import io.runagents.ingress.core.consent.ConsentAudit;
import io.runagents.ingress.core.consent.ConsentFlow;
import io.runagents.ingress.core.consent.Consents;
import io.runagents.ingress.core.consent.GrantManagement;
import io.runagents.ingress.core.exchange.Exchange;
import io.runagents.ingress.core.exchange.Stage;
import io.runagents.ingress.core.exchange.Verdict;
import io.runagents.ingress.core.http.WireError;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.routing.EndpointRoute;
import io.runagents.ingress.core.routing.RouteTable;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.JwtAuthenticator;
import io.runagents.ingress.jwt.RejectReason;
import io.runagents.ingress.tokenstore.GrantInfo;
import io.runagents.ingress.tokenstore.GrantKey;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The ingress's own consent endpoints (SPEC section 8): {@code POST /oauth/consent/<tool>} starts a consent,
 * {@code GET /oauth/callback} takes the authorization server's redirect, {@code POST /oauth/consent/<tool>/complete}
 * activates the grant for the same user, {@code GET /oauth/grants} and {@code DELETE /oauth/grants/<tool>} let a
 * user see and revoke their own grants. All but the callback need the user's JWT, checked by the provider the
 * request's host selects, as for an agent that names none. Nothing here reaches an agent.
 */
final class OAuthEndpointStage implements Stage {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A completion body is {@code {"consent_code": "..."}}: a few hundred bytes at most. */
    static final int MAX_COMPLETE_BODY = 4096;
    private static final String CONSENT = RouteTable.OAUTH + "/consent/";
    private static final String GRANTS = RouteTable.OAUTH + "/grants";
    private static final String CALLBACK = ConsentSettings.CALLBACK_PATH;

    private final ProxyMetrics metrics;
    private final Consents consents;

    OAuthEndpointStage(ProxyMetrics metrics, Consents consents) {
        this.metrics = metrics;
        this.consents = consents;
    }

    @Override
    public Verdict apply(Exchange exchange) {
        if (!(exchange.route() instanceof EndpointRoute endpoint)
                || endpoint.endpoint() != EndpointRoute.ProxyEndpoint.OAUTH) {
            return Verdict.NEXT;
        }
        ConfigSnapshot config = exchange.config().snapshot();
        if (config.proxy().consent().callbackUrl() == null) {
            return Verdict.refuse(WireError.NOT_FOUND, "OAuth consent for tools is not configured on this proxy "
                    + "(consent.callbackUrl)");
        }
        String path = exchange.path();
        HttpMethod method = exchange.head().method();
        if (path.equals(CALLBACK)) {
            return only(method, HttpMethod.GET) ? callback(exchange, config) : notAllowed("GET");
        }
        if (path.equals(GRANTS)) {
            return only(method, HttpMethod.GET) ? authenticated(exchange, user -> listGrants(exchange, user))
                    : notAllowed("GET");
        }
        if (path.startsWith(GRANTS + "/")) {
            String tool = path.substring(GRANTS.length() + 1);
            if (tool.isEmpty() || tool.contains("/")) {
                return notFound();
            }
            return only(method, HttpMethod.DELETE)
                    ? authenticated(exchange, user -> revoke(exchange, config, key(user, tool))) : notAllowed("DELETE");
        }
        if (path.startsWith(CONSENT)) {
            String rest = path.substring(CONSENT.length());
            boolean complete = rest.endsWith("/complete");
            String tool = complete ? rest.substring(0, rest.length() - "/complete".length()) : rest;
            ToolAuth.OAuth2 auth = oauth2(config, tool);
            if (tool.isEmpty() || tool.contains("/") || auth == null) {
                return Verdict.refuse(WireError.NOT_FOUND, "no tool with per-user OAuth is named " + printable(tool));
            }
            if (!only(method, HttpMethod.POST)) {
                return notAllowed("POST");
            }
            return complete ? authenticated(exchange, user -> new Verdict.ReadBody(MAX_COMPLETE_BODY,
                    body -> complete(exchange, config, key(user, tool), body)))
                    : authenticated(exchange, user -> start(exchange, config, key(user, tool), auth));
        }
        return notFound();
    }

    private Verdict start(Exchange exchange, ConfigSnapshot config, GrantKey key, ToolAuth.OAuth2 auth) {
        return later(consents.flow().start(key, auth, config.proxy().consent(), false, cause(exchange)), started -> {
            ObjectNode body = JSON.createObjectNode().put("authorization_url", started.authorizationUrl().toString())
                    .put("expires_in", started.expiresInSeconds());
            return json(HttpResponseStatus.OK, body);
        });
    }

    private Verdict callback(Exchange exchange, ConfigSnapshot config) {
        QueryStringDecoder query = new QueryStringDecoder(exchange.query() == null ? "" : exchange.query(), false);
        return later(consents.flow().callback(query.parameters(), config, cause(exchange)), answer -> {
            if (answer instanceof CallbackAnswer.Redirect redirect) {
                return new Verdict.Reply(HttpResponseStatus.SEE_OTHER, null, new byte[0], h -> privatePage(h)
                        .set(HttpHeaderNames.LOCATION, redirect.location().toString()));
            }
            CallbackAnswer.Page page = (CallbackAnswer.Page) answer;
            return new Verdict.Reply(HttpResponseStatus.valueOf(page.status()), "text/html; charset=utf-8",
                    page.body(), h -> privatePage(h).set("Content-Security-Policy", "default-src 'none'"));
        });
    }

    /** The code and the redirect must stay out of caches and out of the next site's Referer. */
    private static io.netty.handler.codec.http.HttpHeaders privatePage(io.netty.handler.codec.http.HttpHeaders h) {
        return h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE).set("Referrer-Policy", "no-referrer");
    }

    private Verdict complete(Exchange exchange, ConfigSnapshot config, GrantKey caller, byte[] body) {
        String code;
        try {
            JsonNode document = JSON.readTree(body);
            JsonNode field = document == null ? null : document.get("consent_code");
            code = field != null && field.isTextual() ? field.asText() : null;
        } catch (IOException e) {
            code = null;
        }
        if (code == null) {
            return Verdict.refuse(WireError.BAD_REQUEST, "the body must be {\"consent_code\": \"...\"}");
        }
        return later(consents.flow().complete(caller, code, config, cause(exchange)), completion -> {
            if (completion instanceof ConsentFlow.Completion.Granted granted) {
                ObjectNode answer = JSON.createObjectNode().put("tool", granted.tool());
                ArrayNode scopes = answer.putArray("scopes");
                granted.scopes().forEach(scopes::add);
                return json(HttpResponseStatus.OK, answer);
            }
            if (completion instanceof ConsentFlow.Completion.Mismatch) {
                exchange.refuse("consent_user_mismatch");
                return Verdict.refuse(WireError.CONSENT_USER_MISMATCH);
            }
            exchange.refuse("invalid_consent_code");
            return Verdict.refuse(WireError.INVALID_CONSENT_CODE);
        });
    }

    private Verdict listGrants(Exchange exchange, AuthResult.Authenticated user) {
        return later(consents.grants().grantsOf(user.provider(), user.userId()), grants -> {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode items = body.putArray("grants");
            for (GrantInfo grant : grants) {
                ObjectNode item = items.addObject().put("tool", grant.key().tool());
                ArrayNode scopes = item.putArray("scopes");
                grant.scopes().forEach(scopes::add);
                item.put("created", instant(grant.createdAt())).put("refreshed", instant(grant.refreshedAt()))
                        .put("expires", instant(grant.accessExpiresAt()));
            }
            return json(HttpResponseStatus.OK, body);
        });
    }

    private Verdict revoke(Exchange exchange, ConfigSnapshot config, GrantKey key) {
        return later(consents.grants().revoke(key, config, cause(exchange)), revoked -> {
            if (revoked.isEmpty()) {
                return Verdict.refuse(WireError.NOT_FOUND, "you have no grant for " + printable(key.tool()));
            }
            GrantManagement.Revoked done = revoked.get(0);
            return json(HttpResponseStatus.OK, JSON.createObjectNode().put("tool", key.tool()).put("revoked", true)
                    .put("upstream_revoked", done.upstream()));
        });
    }

    /** Checks the bearer token like an authenticated agent's, then goes on with the user. */
    private Verdict authenticated(Exchange exchange, Function<AuthResult.Authenticated, Verdict> then) {
        String token = exchange.token();
        JwtAuthenticator authenticator = exchange.config().identity().selectForHost(exchange.host(), token);
        if (authenticator == null) {
            return challenge(exchange, token == null || token.isEmpty() ? null
                    : AuthResult.Rejected.of(RejectReason.ISSUER));
        }
        exchange.checkedBy(authenticator.provider().name());
        return decide(exchange, authenticator, authenticator.authenticate(token), then);
    }

    private Verdict decide(Exchange exchange, JwtAuthenticator authenticator, AuthResult result,
                           Function<AuthResult.Authenticated, Verdict> then) {
        String provider = authenticator.provider().name();
        if (result instanceof AuthResult.Authenticated user) {
            metrics.authResult(provider, "authenticated");
            exchange.authenticated(user, false);
            return then.apply(user);
        }
        if (result instanceof AuthResult.Rejected rejected) {
            metrics.authResult(provider, rejected.reason().name().toLowerCase(Locale.ROOT));
            if (rejected.forbidden()) {
                exchange.refuse(rejected.reason().name().toLowerCase(Locale.ROOT));
                return Verdict.refuse(WireError.FORBIDDEN, rejected.description());
            }
            return challenge(exchange, rejected.reason() == RejectReason.MISSING ? null : rejected);
        }
        if (result instanceof AuthResult.Unavailable unavailable) {
            exchange.refuse("keys_unavailable");
            return new Verdict.Refusal(WireError.TEMPORARILY_UNAVAILABLE, unavailable.description(),
                    h -> h.setInt(HttpHeaderNames.RETRY_AFTER, IdentityStage.RETRY_AFTER_SECONDS));
        }
        return new Verdict.Later<AuthResult>(((AuthResult.Pending) result).completion(), decided ->
                decide(exchange, authenticator, decided != null ? decided
                        : new AuthResult.Unavailable("key fetch failed for identity provider " + provider), then));
    }

    /** 401: no token ({@code rejected} null), or one that did not pass. */
    private static Verdict challenge(Exchange exchange, AuthResult.Rejected rejected) {
        exchange.refuse(rejected == null ? "missing" : rejected.reason().name().toLowerCase(Locale.ROOT));
        String challenge = "Bearer realm=\"" + exchange.host() + "\"" + (rejected == null ? ""
                : ", error=\"invalid_token\", error_description=\"" + rejected.description() + "\"");
        return new Verdict.Refusal(rejected == null ? WireError.UNAUTHORIZED : WireError.INVALID_TOKEN,
                rejected == null ? WireError.UNAUTHORIZED.description() : rejected.description(),
                h -> h.set(HttpHeaderNames.WWW_AUTHENTICATE, challenge));
    }

    /** Waits for {@code pending} off the event loop; a store that cannot be reached is 503. */
    private static <T> Verdict later(java.util.concurrent.CompletableFuture<T> pending, Function<T, Verdict> then) {
        Supplier<Verdict> unavailable = () -> Verdict.refuse(WireError.TOKEN_STORE_UNAVAILABLE);
        return new Verdict.Later<T>(pending.exceptionally(failure -> null),
                result -> result == null ? unavailable.get() : then.apply(result));
    }

    private static Verdict json(HttpResponseStatus status, ObjectNode body) {
        try {
            return new Verdict.Reply(status, "application/json", JSON.writeValueAsBytes(body),
                    h -> h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static GrantKey key(AuthResult.Authenticated user, String tool) {
        return new GrantKey(user.provider(), user.userId(), tool);
    }

    private static ToolAuth.OAuth2 oauth2(ConfigSnapshot config, String tool) {
        return config.tool(tool).map(t -> t.auth() instanceof ToolAuth.OAuth2 o ? o : null).orElse(null);
    }

    private static boolean only(HttpMethod method, HttpMethod allowed) {
        return method.equals(allowed);
    }

    private static Verdict notAllowed(String allow) {
        return new Verdict.Refusal(WireError.METHOD_NOT_ALLOWED, "this endpoint is called with " + allow,
                h -> h.set(HttpHeaderNames.ALLOW, allow));
    }

    private static Verdict notFound() {
        return Verdict.refuse(WireError.NOT_FOUND, "no such consent endpoint");
    }

    private static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return cut.replaceAll("[^A-Za-z0-9._-]", "?");
    }

    private static ConsentAudit.Cause cause(Exchange exchange) {
        return new ConsentAudit.Cause(exchange.requestId(), null, null, exchange.head().method().name(),
                exchange.path());
    }
}
