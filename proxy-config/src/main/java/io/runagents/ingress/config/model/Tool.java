package io.runagents.ingress.config.model;

import java.net.URI;
import java.util.Objects;

/** A {@code tools/*.yaml} resource: an external API that agents reach through the egress. */
public record Tool(String name, URI baseUrl, ToolAuth auth) {
    public Tool {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(auth, "auth");
    }
}
