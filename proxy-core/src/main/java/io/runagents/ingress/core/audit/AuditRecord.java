package io.runagents.ingress.core.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One audit line (SPEC section 9): who asked, through which agent or tool, and what the proxy decided.
 *
 * <p>The record deliberately has no field for headers, tokens, the {@code X-End-User-Context}, API keys
 * or query strings that may carry credentials: what cannot be represented cannot leak into the log.
 * Callers pass the request path without its query string.
 *
 * @param ts         when the request started (written as ISO-8601 UTC with milliseconds)
 * @param requestId  the request id shared by the ingress line and every egress line it caused
 * @param direction  {@code ingress} (client -> agent), {@code egress} (agent -> tool) or {@code consent}
 * @param user       the end user's id; {@code null} when the request was refused before it was known
 * @param provider   the identity provider that vouched for the user; {@code null} when unknown
 * @param agent      the agent called (ingress) or calling (egress: the identity context's {@code aud});
 *                   {@code null} when unknown
 * @param tool       the tool called; {@code null} on the ingress
 * @param method     the HTTP method; {@code null} when the request line could not be parsed
 * @param path       the request path, without query string; {@code null} when the request line could not be parsed
 * @param status     the HTTP status answered to the client
 * @param decision   whether the proxy let the request through
 * @param reason     why it was denied (for example {@code expired}, {@code policy}); {@code null} when allowed
 * @param rule       the deciding policy rule (for example {@code github-engineering-only#0}); may be {@code null}
 * @param durationMs time from the request's start to its last response byte
 * @param contextId  the {@code jti} of the identity context the ingress forwarded or the egress received (joins a
 *                   tool call to the requests that carried its context); {@code null} when there was none
 */
public record AuditRecord(Instant ts, String requestId, Direction direction, String user, String provider,
                          String agent, String tool, String method, String path, int status,
                          Decision decision, String reason, String rule, long durationMs, String contextId) {

    /** Which listener saw the request. */
    public enum Direction {
        INGRESS("ingress"), EGRESS("egress"),
        /** A per-user OAuth consent event (SPEC section 9): started, granted, refreshed, revoked, ... */
        CONSENT("consent");

        private final String json;

        Direction(String json) {
            this.json = json;
        }

        /** The value written to the {@code direction} field. */
        public String json() {
            return json;
        }
    }

    /** What the proxy decided. */
    public enum Decision {
        ALLOW("allow"), DENY("deny"),
        // Consent events (direction consent, SPEC section 9).
        STARTED("started"), GRANTED("granted"), DENIED("denied"), MISMATCH("mismatch"), REFRESHED("refreshed"),
        REFRESH_FAILED("refresh_failed"), REVOKED("revoked");

        private final String json;

        Decision(String json) {
            this.json = json;
        }

        /** The value written to the {@code decision} field. */
        public String json() {
            return json;
        }
    }

    /** Checks the fields every line must have, so a bad call fails at its call site, not on the writer. */
    public AuditRecord {
        Objects.requireNonNull(ts, "ts");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(decision, "decision");
        if (durationMs < 0) {
            throw new IllegalArgumentException("durationMs: " + durationMs + " (expected: >= 0)");
        }
    }

    /**
     * This record with another outcome, the decision, rule and timing kept: for example status 499 and
     * reason {@code client_closed} when the client left while the line waited for room
     * ({@link AuditTicket#replace}), so the line does not claim an answer nobody received.
     */
    public AuditRecord withStatus(int status, String reason) {
        return new AuditRecord(ts, requestId, direction, user, provider, agent, tool, method, path, status, decision,
                reason, rule, durationMs, contextId);
    }
}
