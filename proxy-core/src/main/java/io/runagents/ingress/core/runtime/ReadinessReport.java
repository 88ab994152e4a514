package io.runagents.ingress.core.runtime;

import io.runagents.ingress.core.audit.AuditHealth;
import io.runagents.ingress.core.http.Json;
import io.runagents.ingress.jwt.ProviderState;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What {@code /readyz} and {@code identity-providers list --server} say (SPEC section 10): ready once a
 * configuration is loaded, every identity provider has usable keys and the audit trail can be written (while
 * its writes fail every request would be refused, so a load balancer should send them to another replica),
 * and not while the proxy drains.
 */
public final class ReadinessReport {
    private final Supplier<RuntimeConfig> config;
    private final BooleanSupplier draining;
    private final Supplier<AuditHealth> audit;

    private final Supplier<String> tokenStore;

    /**
     * Whether the proxy can serve; {@code problemsJson} is a JSON array of what is missing when not;
     * {@code tokenStoreJson} the token store's state (SPEC section 8), which never fails readiness, or null before
     * the store was opened.
     */
    public record Readiness(boolean ready, String problemsJson, String tokenStoreJson) {
        public Readiness(boolean ready, String problemsJson) {
            this(ready, problemsJson, null);
        }
    }

    public ReadinessReport(Supplier<RuntimeConfig> config, BooleanSupplier draining, Supplier<AuditHealth> audit) {
        this(config, draining, audit, () -> null);
    }

    /** @param tokenStore the token store's readiness JSON, or null while there is none */
    public ReadinessReport(Supplier<RuntimeConfig> config, BooleanSupplier draining, Supplier<AuditHealth> audit,
                           Supplier<String> tokenStore) {
        this.config = config;
        this.draining = draining;
        this.audit = audit;
        this.tokenStore = tokenStore;
    }

    /** The readiness now, with each problem named. */
    public Readiness readiness() {
        if (draining.getAsBoolean()) {
            // Load balancers must stop sending before the listeners are gone; /healthz still answers 200.
            return new Readiness(false, "[{\"proxy\":\"draining\",\"problem\":\"shutting down\"}]");
        }
        StringBuilder problems = new StringBuilder("[");
        AuditHealth trail = audit.get();
        if (!trail.ok()) {
            problems.append("{\"audit\":");
            Json.appendString(problems, String.valueOf(trail.file()));
            problems.append(",\"problem\":");
            Json.appendString(problems, trail.describe());
            problems.append('}');
        }
        for (ProviderState state : config.get().identity().providers().states().values()) {
            if (!state.ready()) {
                if (problems.length() > 1) {
                    problems.append(',');
                }
                problems.append("{\"identityProvider\":");
                Json.appendString(problems, state.provider());
                problems.append(",\"problem\":");
                Json.appendString(problems, state.lastError() == null ? "no usable keys" : state.lastError());
                problems.append('}');
            }
        }
        String json = problems.append(']').toString();
        return new Readiness(json.length() == 2, json, tokenStore.get());
    }

    /** {@code keys loaded (N)} or the provider's last error, for {@code identity-providers list}. */
    public String providerStatus(String name) {
        ProviderState state = config.get().identity().providers().states().get(name);
        if (state == null) {
            return "unknown";
        }
        if (state.ready()) {
            return "keys loaded (" + state.keys() + ")";
        }
        return "error: " + (state.lastError() == null ? "no usable keys" : state.lastError());
    }
}
