package io.runagents.ingress.core.egress;

import io.runagents.ingress.core.exchange.Exchange;
import io.runagents.ingress.core.exchange.Stage;
import io.runagents.ingress.core.exchange.Verdict;
import io.runagents.ingress.core.http.WireError;
import io.runagents.ingress.core.routing.ToolRoute;

/** Egress routing: {@code /tools/<tool>/<path>} picks the tool; anything else, or an unknown tool, is 404. */
final class ToolRoutingStage implements Stage {
    static final ToolRoutingStage INSTANCE = new ToolRoutingStage();
    private static final String PREFIX = "/tools/";

    private ToolRoutingStage() {
    }

    @Override
    public Verdict apply(Exchange exchange) {
        String path = exchange.path();
        ToolRoute route = null;
        if (path.startsWith(PREFIX)) {
            int end = path.indexOf('/', PREFIX.length());
            route = exchange.config().tools().get(path.substring(PREFIX.length(), end < 0 ? path.length() : end));
        }
        if (route == null) {
            return Verdict.refuse(WireError.NOT_FOUND, "no such tool");
        }
        exchange.route(route);
        return Verdict.NEXT;
    }
}
