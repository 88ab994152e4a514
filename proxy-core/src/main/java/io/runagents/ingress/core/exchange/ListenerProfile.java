package io.runagents.ingress.core.exchange;

import io.runagents.ingress.core.audit.AuditRecord;

/**
 * What the shared exchange code does differently for each listener. The stages each listener runs are listed
 * by its initializer; this says what the guard removes and reads, what the relay adds on the way to the
 * upstream, how the upstream is named in answers, and which audit lines the exchanges write.
 */
public enum ListenerProfile {
    /**
     * Clients calling agents: the guard removes every header only the proxy may set and reads the bearer token;
     * the relay forwards the client's {@code Host} and adds {@code X-Forwarded-*}.
     */
    INGRESS(AuditRecord.Direction.INGRESS, "the agent", true),
    /**
     * Agents calling tools: the identity context is checked before identity headers are removed (a later
     * stage), an agent's own {@code Authorization} is its business, and the tool is addressed by its own host
     * with nothing added about the agent.
     */
    EGRESS(AuditRecord.Direction.EGRESS, "the tool", false);

    private final AuditRecord.Direction direction;
    private final String upstreamName;
    private final boolean facesClients;

    ListenerProfile(AuditRecord.Direction direction, String upstreamName, boolean facesClients) {
        this.direction = direction;
        this.upstreamName = upstreamName;
        this.facesClients = facesClients;
    }

    /** The {@code direction} of this listener's audit lines. */
    public AuditRecord.Direction direction() {
        return direction;
    }

    /** What this listener's upstream is called in error descriptions. */
    public String upstreamName() {
        return upstreamName;
    }

    /** The guard removes the client-set identity headers (at the egress a later stage does, after its check). */
    boolean stripsIdentityHeadersFirst() {
        return facesClients;
    }

    /** The guard reads and size-checks the bearer token (on every route, open ones too: SPEC section 5). */
    boolean readsBearerToken() {
        return facesClients;
    }

    /** The relay adds {@code X-Forwarded-*} and drops {@code Authorization} unless the provider forwards it. */
    boolean addsForwardedHeaders() {
        return facesClients;
    }

    /** The relay sets {@code Host} to the upstream's own authority (a tool), instead of the client's. */
    boolean addressesUpstreamByItsHost() {
        return !facesClients;
    }
}
