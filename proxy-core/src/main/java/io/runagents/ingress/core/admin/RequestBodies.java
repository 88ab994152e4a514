package io.runagents.ingress.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;

/** Reading the JSON bodies of the admin API's POST endpoints. */
final class RequestBodies {
    private RequestBodies() { }

    /** The body as a JSON object; null when it is not one. */
    static JsonNode object(String body) {
        try {
            JsonNode node = AdminReply.JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** 400 {@code invalid_request}. */
    static AdminReply invalid(String description) {
        return AdminReply.error(HttpResponseStatus.BAD_REQUEST, "invalid_request", description);
    }
}
