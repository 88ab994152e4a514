package io.runagents.ingress.core.egress;

import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.exchange.Exchange;
import io.runagents.ingress.core.exchange.Stage;
import io.runagents.ingress.core.exchange.Verdict;
import io.runagents.ingress.core.http.WireError;
import io.runagents.ingress.core.routing.ToolRoute;
import java.util.function.UnaryOperator;

/**
 * The tool's own credentials, after policies allowed the call: an {@code apiKey} tool gets its header,
 * with the value read from the environment variable the config names (never from YAML, never logged).
 * Per-user OAuth ({@code oauth2}) is not available yet: 501.
 */
final class ToolAuthStage implements Stage {
    private final UnaryOperator<String> environment;

    /** @param environment reads environment variables ({@code System::getenv} outside tests) */
    ToolAuthStage(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    @Override
    public Verdict apply(Exchange exchange) {
        ToolAuth auth = ((ToolRoute) exchange.route()).tool().auth();
        if (auth instanceof ToolAuth.OAuth2) {
            return Verdict.refuse(WireError.NOT_IMPLEMENTED, "per-user OAuth consent for tools is not available yet");
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
}
