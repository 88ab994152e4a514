package io.runagents.ingress.config.model;

import java.util.Objects;

/** The three listeners. Read at start only: changing them needs a restart. */
public record Listen(HostPort ingress, HostPort egress, HostPort admin) {
    public static final Listen DEFAULTS = new Listen(
            new HostPort("0.0.0.0", 8080), new HostPort("127.0.0.1", 8081), new HostPort("127.0.0.1", 9901));

    public Listen {
        Objects.requireNonNull(ingress, "ingress");
        Objects.requireNonNull(egress, "egress");
        Objects.requireNonNull(admin, "admin");
    }
}
