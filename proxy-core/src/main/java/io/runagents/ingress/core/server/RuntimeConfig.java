package io.runagents.ingress.core.server;

import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.core.http.IdentityHeaders;
import io.runagents.ingress.core.routing.RouteTable;
import java.util.Objects;

/**
 * Everything a request needs from the configuration, derived once per snapshot. A request reads the
 * current one at its start and keeps it to its end, so a reload never changes a request half way.
 */
public record RuntimeConfig(ConfigSnapshot snapshot, RouteTable routes, IdentityHeaders identityHeaders) {
    public RuntimeConfig {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(identityHeaders, "identityHeaders");
    }

    /** Derives the runtime view of a validated snapshot. */
    public static RuntimeConfig of(ConfigSnapshot snapshot) {
        return new RuntimeConfig(snapshot, RouteTable.of(snapshot.agents()),
                IdentityHeaders.of(snapshot.identityProviders().stream().map(p -> p.claimHeaders()).toList()));
    }
}
