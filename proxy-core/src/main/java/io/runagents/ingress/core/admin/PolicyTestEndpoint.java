package io.runagents.ingress.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.core.policy.PolicyCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /admin/policy-test} with the inputs of {@code policies test}
 * ({@code {"user", "email"?, "groups"?, "tool" | "agent", "method"?, "path"?}}): its explanation under the
 * serving configuration, as {@link CheckJson} writes it. 404 for an unknown target, 400 for a path the proxy
 * refuses.
 */
final class PolicyTestEndpoint implements AdminEndpoint {
    private final ConfigStore store;

    PolicyTestEndpoint(ConfigStore store) {
        this.store = store;
    }

    @Override
    public CompletionStage<AdminReply> answer(AdminApiHandler.Call call) {
        if (call.method() != HttpMethod.POST) {
            return done(AdminReply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "only POST"));
        }
        JsonNode body = RequestBodies.object(call.body());
        if (body == null) {
            return done(RequestBodies.invalid("expected a JSON object with \"user\" and \"tool\" or \"agent\""));
        }
        try {
            PolicyCheck.Request request = new PolicyCheck.Request(CheckJson.text(body, "user"),
                    CheckJson.text(body, "email"), names(body.path("groups"), ","), CheckJson.text(body, "tool"),
                    CheckJson.text(body, "agent"), CheckJson.text(body, "method"), CheckJson.text(body, "path"),
                    names(body.path("scopes"), "[ ,]"), CheckJson.text(body, "fromAgent"));
            PolicyCheck.Result result = PolicyCheck.run(store.current(), request);
            return done(AdminReply.json(HttpResponseStatus.OK, CheckJson.write(result)));
        } catch (NoSuchElementException e) {
            return done(AdminReply.error(HttpResponseStatus.NOT_FOUND, "not_found", e.getMessage()));
        } catch (IllegalArgumentException e) {
            return done(RequestBodies.invalid(e.getMessage()));
        }
    }

    /**
     * A JSON array of names, or one string of them split at {@code separators} (as {@code --groups} and
     * {@code --scopes} take them).
     */
    private static List<String> names(JsonNode node, String separators) {
        List<String> groups = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(g -> groups.add(g.asText()));
        } else if (node.isTextual()) {
            for (String g : node.asText().split(separators)) {
                if (!g.isBlank()) {
                    groups.add(g.strip());
                }
            }
        }
        return groups;
    }

    private static CompletionStage<AdminReply> done(AdminReply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
