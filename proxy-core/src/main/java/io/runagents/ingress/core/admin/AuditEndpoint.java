package io.runagents.ingress.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.core.audit.AuditTail;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /admin/audit?user=U&limit=N}: the latest audit lines (SPEC section 9), newest first, as JSON
 * objects, {@code user} (compared as the policies compare it: case-insensitively) narrowing them. Reads
 * {@code audit.file} and the files its rotation left, at most {@value #MAX_BYTES} bytes of them, so one request
 * costs a bounded amount of work however long the trail is.
 */
final class AuditEndpoint implements AdminEndpoint {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    static final long MAX_BYTES = 16L * 1024 * 1024;

    private final ConfigStore store;

    AuditEndpoint(ConfigStore store) {
        this.store = store;
    }

    @Override
    public CompletionStage<AdminReply> answer(AdminApiHandler.Call call) throws IOException {
        if (call.method() != HttpMethod.GET) {
            return done(AdminReply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "only GET"));
        }
        int limit;
        try {
            String given = call.parameter("limit");
            limit = given == null ? DEFAULT_LIMIT : Integer.parseInt(given);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return done(RequestBodies.invalid("limit: " + call.parameter("limit") + " (expected: 1-" + MAX_LIMIT + ")"));
        }
        String user = call.parameter("user");
        String wanted = user == null || user.isBlank() ? null : user.strip();
        Path file = Path.of(store.current().proxy().audit().file());
        ArrayNode lines = AdminReply.JSON.createArrayNode();
        List<String> raw = AuditTail.latest(file, limit, MAX_BYTES, line -> {
            JsonNode parsed = parse(line);
            if (parsed == null || (wanted != null && !wanted.equalsIgnoreCase(parsed.path("user").asText(null)))) {
                return false;
            }
            lines.add(parsed);
            return true;
        });
        ObjectNode body = AdminReply.JSON.createObjectNode().put("limit", limit).put("count", raw.size());
        if (wanted != null) {
            body.put("user", wanted);
        }
        body.set("lines", lines);
        return done(AdminReply.json(HttpResponseStatus.OK, body));
    }

    /** The line as a JSON object; null for anything else (a line cut by a crash, say). */
    private static JsonNode parse(String line) {
        try {
            JsonNode node = AdminReply.JSON.readTree(line);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static CompletionStage<AdminReply> done(AdminReply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
