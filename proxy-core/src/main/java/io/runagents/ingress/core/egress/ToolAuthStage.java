package io.runagents.ingress.core.egress;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.runagents.ingress.config.model.ConsentSettings;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.consent.ConsentAudit;
import io.runagents.ingress.core.consent.GrantTokens;
import io.runagents.ingress.core.consent.GrantTokens.Access;
import io.runagents.ingress.core.exchange.Exchange;
import io.runagents.ingress.core.exchange.Stage;
import io.runagents.ingress.core.exchange.Verdict;
import io.runagents.ingress.core.http.WireError;
import io.runagents.ingress.core.routing.ToolRoute;
import io.runagents.ingress.tokenstore.GrantKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The tool's own credentials, after policies allowed the call: an {@code apiKey} tool gets its header, with the
 * value read from the environment variable the config names (never from YAML, never logged); an {@code oauth2}
 * tool gets the user's own access token in place of any {@code Authorization} the agent sent (SPEC section 7).
 * A cached token costs a map read here; anything else (a load, a refresh, a consent to start) waits off the event
 * loop. No usable grant: 401 {@code consent_required} with a consent URL for the user.
 */
final class ToolAuthStage implements Stage {
    private final UnaryOperator<String> environment;
    private final GrantTokens tokens;

    /**
     * @param environment reads environment variables ({@code System::getenv} outside tests)
     * @param tokens the users' access tokens
     */
    ToolAuthStage(UnaryOperator<String> environment, GrantTokens tokens) {
        this.environment = environment;
        this.tokens = tokens;
    }

    @Override
    public Verdict apply(Exchange exchange) {
        ToolRoute route = (ToolRoute) exchange.route();
        ToolAuth auth = route.tool().auth();
        if (auth instanceof ToolAuth.OAuth2 oauth2) {
            return userToken(exchange, route.name(), oauth2);
        }
        if (auth instanceof ToolAuth.ApiKey key) {
            String value = environment.apply(key.valueEnv());
            if (value == null || value.isEmpty()) {
                return Verdict.refuse(WireError.TOOL_UNAVAILABLE, "the tool's API key is not configured (environment "
                        + "variable " + key.valueEnv() + ")");
            }
            exchange.head().headers().set(key.header(), value);
        }
        return Verdict.NEXT;
    }

    private Verdict userToken(Exchange exchange, String tool, ToolAuth.OAuth2 auth) {
        // The agent's own Authorization never reaches the tool, whatever follows.
        exchange.head().headers().remove(HttpHeaderNames.AUTHORIZATION);
        GrantKey key = new GrantKey(exchange.provider(), exchange.user().userId(), tool);
        Access.Token cached = tokens.cached(key);
        if (cached != null) {
            return inject(exchange, key, cached);
        }
        ConsentSettings settings = exchange.config().snapshot().proxy().consent();
        if (settings.callbackUrl() == null) {
            return Verdict.refuse(WireError.TOOL_UNAVAILABLE, "per-user consent is not configured on this proxy "
                    + "(consent.callbackUrl)");
        }
        ConsentAudit.Cause cause = new ConsentAudit.Cause(exchange.requestId(), exchange.agentName(),
                exchange.contextId(), exchange.head().method().name(), exchange.path());
        // A store that cannot be reached fails the future: null here, 503 token_store_unavailable below.
        return new Verdict.Later<>(tokens.access(key, auth, settings, cause).exceptionally(failure -> null),
                access -> decide(exchange, key, access));
    }

    private Verdict decide(Exchange exchange, GrantKey key, Access access) {
        if (access == null) {
            exchange.refuse("token_store_unavailable");
            return Verdict.refuse(WireError.TOKEN_STORE_UNAVAILABLE);
        }
        if (access instanceof Access.Token token) {
            return inject(exchange, key, token);
        }
        if (access instanceof Access.ConsentRequired required) {
            exchange.refuse("consent_required");
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("tool", key.tool());
            fields.put("consent_url", required.consentUrl().toString());
            return new Verdict.Refusal(WireError.CONSENT_REQUIRED, "the user has not granted access to " + key.tool()
                    + ": show them consent_url", h -> h.set(HttpHeaderNames.WWW_AUTHENTICATE,
                    "Bearer error=\"consent_required\""), fields);
        }
        if (access instanceof Access.RefreshFailed failed) {
            exchange.refuse("token_refresh_failed");
            return Verdict.refuse(WireError.TOKEN_REFRESH_FAILED, "the tool's token endpoint did not refresh the "
                    + "user's access token (" + failed.detail() + "); the grant is kept, try again later");
        }
        exchange.refuse("token_key_missing");
        return Verdict.refuse(WireError.TOKEN_KEY_MISSING, "the user's grant for " + key.tool()
                + " is encrypted with key id " + ((Access.KeyMissing) access).keyId() + ", which is not configured");
    }

    private Verdict inject(Exchange exchange, GrantKey key, Access.Token token) {
        exchange.head().headers().set(HttpHeaderNames.AUTHORIZATION, token.authorization());
        exchange.onUpstreamStatus(status -> {
            if (status == 401) {
                tokens.rejectedByTool(key, token.version());
            }
        });
        return Verdict.NEXT;
    }
}
