package io.runagents.ingress.core.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.config.load.ConfigError;
import io.runagents.ingress.core.http.ErrorResponses;
import java.io.UncheckedIOException;
import java.util.List;

/** An admin API answer, made off the event loop and written on it. */
record AdminReply(HttpResponseStatus status, String contentType, String body) {
    static final ObjectMapper JSON = new ObjectMapper();

    static AdminReply json(HttpResponseStatus status, ObjectNode body) {
        try {
            return new AdminReply(status, "application/json", JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(body) + "\n");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AdminReply yaml(String body) {
        return new AdminReply(HttpResponseStatus.OK, "application/yaml; charset=utf-8", body);
    }

    /** The proxy's usual error document ({@code error}, {@code error_description}). */
    static AdminReply error(HttpResponseStatus status, String error, String description) {
        return new AdminReply(status, "application/json", ErrorResponses.jsonBody(error, description, null));
    }

    /** 400 with every error, each both structured and as the {@code file:line:col} line the CLI prints. */
    static AdminReply invalid(List<ConfigError> errors) {
        ObjectNode body = JSON.createObjectNode()
                .put("error", "invalid_config")
                .put("error_description", errors.size() + " error(s); nothing was written");
        body.set("errors", errors(errors));
        return json(HttpResponseStatus.BAD_REQUEST, body);
    }

    static ArrayNode errors(List<ConfigError> errors) {
        ArrayNode array = JSON.createArrayNode();
        for (ConfigError e : errors) {
            array.addObject().put("file", e.file()).put("line", e.line()).put("column", e.column())
                    .put("field", e.field()).put("message", e.message()).put("text", e.toString());
        }
        return array;
    }
}
