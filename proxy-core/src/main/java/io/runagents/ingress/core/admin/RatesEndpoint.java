package io.runagents.ingress.core.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.core.metrics.RequestRates;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /admin/rates}: requests and refusals (4xx and 5xx answers) per interval over the last minutes,
 * oldest first, the interval in progress last: {@code {"intervalSeconds", "intervals": [{"start", "end",
 * "requests", "refused"}]}}. For the console's activity chart; Prometheus users have {@code /metrics}.
 */
final class RatesEndpoint implements AdminEndpoint {
    private final RequestRates rates;

    RatesEndpoint(RequestRates rates) {
        this.rates = rates;
    }

    @Override
    public CompletionStage<AdminReply> answer(AdminApiHandler.Call call) {
        if (call.method() != HttpMethod.GET) {
            return CompletableFuture.completedFuture(
                    AdminReply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "only GET"));
        }
        ObjectNode body = AdminReply.JSON.createObjectNode().put("intervalSeconds", rates.interval().toSeconds());
        ArrayNode intervals = body.putArray("intervals");
        for (RequestRates.Interval i : rates.recent()) {
            intervals.addObject().put("start", i.start().toString()).put("end", i.end().toString())
                    .put("requests", i.requests()).put("refused", i.refused());
        }
        return CompletableFuture.completedFuture(AdminReply.json(HttpResponseStatus.OK, body));
    }
}
