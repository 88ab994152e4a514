package io.runagents.ingress.core.consent;

import io.runagents.ingress.core.audit.AuditLog;
import io.runagents.ingress.core.audit.AuditRecord;
import io.runagents.ingress.core.metrics.OAuthMetrics;
import io.runagents.ingress.tokenstore.GrantKey;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consent events' audit lines ({@code direction: consent}, SPEC section 9) and their counters. A line names
 * whose grant for which tool, the request that caused it and, for refreshes, the calling agent; never a token, a
 * code, a state or a verifier: the record has no field that could hold one, and reasons from an authorization
 * server are reduced to an OAuth error code's alphabet.
 */
public final class ConsentAudit {
    private static final Logger log = LoggerFactory.getLogger(ConsentAudit.class);
    /** RFC 6749's error codes are printable ASCII; ours are lower-case words. Anything else is not echoed. */
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z0-9_.-]{1,64}");

    private final AuditLog audit;
    private final ScheduledExecutorService callbacks;
    private final OAuthMetrics metrics;
    private final Clock clock;

    /** @param audit null when no audit lines are written (tests of other parts) */
    public ConsentAudit(AuditLog audit, ScheduledExecutorService callbacks, OAuthMetrics metrics, Clock clock) {
        this.audit = audit;
        this.callbacks = callbacks;
        this.metrics = metrics;
        this.clock = clock;
    }

    public OAuthMetrics metrics() {
        return metrics;
    }

    /** Who caused an event: the request's id, the calling agent (egress) and the identity context's id. */
    public record Cause(String requestId, String agent, String contextId, String method, String path) {
        /** An event without a request (the expiry sweep, an operator's revoke through the admin API). */
        public static Cause internal(String requestId) {
            return new Cause(requestId, null, null, null, null);
        }
    }

    /**
     * Writes one consent line.
     *
     * @param status the HTTP status the causing request got
     * @param reason an OAuth error code or our own reason; reduced to {@code other} when it is not one
     */
    public void event(AuditRecord.Decision decision, GrantKey key, Cause cause, int status, String reason) {
        if (audit == null) {
            return;
        }
        AuditRecord record = new AuditRecord(clock.instant(), cause.requestId(), AuditRecord.Direction.CONSENT,
                key.userId(), key.provider(), cause.agent(), key.tool(), cause.method(), cause.path(), status, decision,
                errorCode(reason), null, 0, cause.contextId());
        try {
            audit.offer(record, callbacks, () -> { }, () -> log.warn("[{}] consent audit line ({} {} for tool {}) "
                    + "could not be queued in time: the audit trail is not writable", cause.requestId(),
                    decision.json(), key.userId(), key.tool()));
        } catch (IllegalStateException closed) {
            log.warn("[{}] consent audit line after the audit log closed: {} for tool {}", cause.requestId(),
                    decision.json(), key.tool());
        }
    }

    /** {@code code} when it looks like an OAuth error code, else {@code other}; null stays null. */
    static String errorCode(String code) {
        if (code == null) {
            return null;
        }
        return ERROR_CODE.matcher(code).matches() ? code : "other";
    }
}
