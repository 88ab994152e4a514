package io.runagents.ingress.core.routing;

import io.runagents.ingress.config.model.Tool;
import java.util.List;

/** The route of a tool behind the egress: {@code /tools/<name>/<path>} reaches {@code baseUrl + /<path>}. */
public final class ToolRoute extends UpstreamRoute {
    /** Response timeout for tool calls; tools have no per-tool setting. */
    static final int TOOL_TIMEOUT_SECONDS = 300;

    private final Tool tool;

    private ToolRoute(Tool tool) {
        super(tool.name(), "/tools/" + tool.name(), true, TOOL_TIMEOUT_SECONDS, null,
                new UpstreamGroup(List.of(UpstreamTarget.of(tool.baseUrl()))));
        this.tool = tool;
    }

    public static ToolRoute of(Tool tool) {
        return new ToolRoute(tool);
    }

    public Tool tool() {
        return tool;
    }
}
