package io.runagents.ingress.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.core.identity.TokenCheck;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /admin/token-check} with {@code {"token", "host"?, "provider"?}}: every check of
 * {@code token verify} against the serving configuration's providers and limits, as {@link CheckJson} writes
 * it (200 whether or not the token would be accepted). The token is never logged or echoed.
 */
final class TokenCheckEndpoint implements AdminEndpoint {
    private final ConfigStore store;
    private final Clock clock;

    TokenCheckEndpoint(ConfigStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public CompletionStage<AdminReply> answer(AdminApiHandler.Call call) throws InterruptedException {
        if (call.method() != HttpMethod.POST) {
            return done(AdminReply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "only POST"));
        }
        JsonNode body = RequestBodies.object(call.body());
        String token = body == null ? null : CheckJson.text(body, "token");
        if (token == null || token.isBlank()) {
            return done(RequestBodies.invalid("expected a JSON object with \"token\" (and \"host\", \"provider\")"));
        }
        ConfigSnapshot snapshot = store.current();
        TokenCheck.Settings settings = new TokenCheck.Settings(snapshot.identityProviders(),
                snapshot.proxy().limits().maxTokenBytes(),
                Duration.ofMillis(snapshot.proxy().jwks().fetchTimeoutMillis()));
        try {
            TokenCheck.Result result = TokenCheck.run(settings, token.strip(), CheckJson.text(body, "host"),
                    CheckJson.text(body, "provider"), clock);
            return done(AdminReply.json(HttpResponseStatus.OK, CheckJson.write(result)));
        } catch (IllegalArgumentException e) {
            return done(RequestBodies.invalid(e.getMessage()));
        }
    }

    private static CompletionStage<AdminReply> done(AdminReply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
