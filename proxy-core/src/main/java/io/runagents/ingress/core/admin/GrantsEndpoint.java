package io.runagents.ingress.core.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.core.consent.ConsentAudit;
import io.runagents.ingress.core.consent.GrantManagement;
import io.runagents.ingress.tokenstore.GrantInfo;
import io.runagents.ingress.tokenstore.GrantQuery;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The operators' view of per-user OAuth grants (SPEC sections 8 and 10): {@code GET /admin/grants[?user=U&tool=T
 * &provider=P]} lists them ({@code {"items": [{"user", "provider", "tool", "scopes", "created", "refreshed",
 * "expires", "refreshable"}]}}, never a token), {@code DELETE /admin/grants/<tool>?user=U[&provider=P]} revokes the
 * user's grant for the tool (at every provider unless one is named) upstream and deletes it.
 */
final class GrantsEndpoint implements AdminEndpoint {
    private final GrantManagement grants;
    private final Supplier<ConfigSnapshot> config;

    GrantsEndpoint(GrantManagement grants, Supplier<ConfigSnapshot> config) {
        this.grants = grants;
        this.config = config;
    }

    @Override
    public boolean takesSubPaths() {
        return true;
    }

    @Override
    public CompletionStage<AdminReply> answer(AdminApiHandler.Call call) {
        if (config.get().proxy().consent().callbackUrl() == null) {
            // No tool can have a grant: the console says consent is not configured, instead of "no grants".
            return done(AdminReply.error(HttpResponseStatus.NOT_FOUND, "not_found",
                    "OAuth consent is not configured on this proxy (consent.callbackUrl)"));
        }
        if (call.method() == HttpMethod.GET && call.segments().size() == 1) {
            return list(call);
        }
        if (call.method() == HttpMethod.DELETE && call.segments().size() == 2 && !call.segments().get(1).isEmpty()) {
            return revoke(call, call.segments().get(1));
        }
        if (call.segments().size() > 2) {
            return done(AdminReply.error(HttpResponseStatus.NOT_FOUND, "not_found", "no such admin endpoint"));
        }
        return done(AdminReply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                "GET /admin/grants or DELETE /admin/grants/<tool>?user=U"));
    }

    private CompletionStage<AdminReply> list(AdminApiHandler.Call call) {
        GrantQuery query = new GrantQuery(emptyToNull(call.parameter("provider")), emptyToNull(call.parameter("user")),
                emptyToNull(call.parameter("tool")), GrantManagement.MAX_LISTED);
        return grants.list(query).thenApply(found -> {
            ObjectNode body = AdminReply.JSON.createObjectNode();
            ArrayNode items = body.putArray("items");
            for (GrantInfo grant : found) {
                ObjectNode item = items.addObject().put("user", grant.key().userId())
                        .put("provider", grant.key().provider()).put("tool", grant.key().tool());
                ArrayNode scopes = item.putArray("scopes");
                grant.scopes().forEach(scopes::add);
                item.put("created", text(grant.createdAt())).put("refreshed", text(grant.refreshedAt()))
                        .put("expires", text(grant.accessExpiresAt())).put("refreshable", grant.refreshable());
            }
            return AdminReply.json(HttpResponseStatus.OK, body);
        });
    }

    private CompletionStage<AdminReply> revoke(AdminApiHandler.Call call, String tool) {
        String user = emptyToNull(call.parameter("user"));
        if (user == null) {
            return done(AdminReply.error(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "name the user: DELETE /admin/grants/<tool>?user=U"));
        }
        // The operator's revoke has no request of its own in the audit trail: its consent lines carry this id.
        String requestId = "admin-" + UUID.randomUUID();
        return grants.revokeAll(emptyToNull(call.parameter("provider")), user, tool, config.get(),
                ConsentAudit.Cause.internal(requestId)).thenApply(revoked -> {
            if (revoked.isEmpty()) {
                return AdminReply.error(HttpResponseStatus.NOT_FOUND, "not_found",
                        "no grant of " + user + " for tool " + tool);
            }
            ObjectNode body = AdminReply.JSON.createObjectNode().put("revoked", revoked.size());
            ArrayNode items = body.putArray("items");
            revoked.forEach(r -> items.addObject().put("user", r.key().userId()).put("provider", r.key().provider())
                    .put("tool", r.key().tool()).put("upstreamRevoked", r.upstream()));
            return AdminReply.json(HttpResponseStatus.OK, body);
        });
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static CompletionStage<AdminReply> done(AdminReply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
