package io.runagents.ingress.core.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.runagents.ingress.core.audit.AuditLog;
import io.runagents.ingress.core.audit.AuditRecord;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.routing.Route;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Where every exchange of a listener ends: it is counted in the metrics and gets its audit line
 * (SPEC section 9), allowed or refused. The end of the response waits for the audit line to be
 * accepted: when the audit writer falls behind, the answer (and so the next request on the connection)
 * waits for room instead of a line being lost, and the event loop never blocks.
 */
final class ExchangeLog {
    /** The status audit lines and metrics give a request whose client left before the answer (nginx's 499). */
    static final int CLIENT_CLOSED_REQUEST = 499;
    private static final int MAX_PATH_CHARS = 2048;

    private final ProxyMetrics metrics;
    private final AuditLog audit;
    private final AuditRecord.Direction direction;
    private final Clock clock;

    /** @param audit null when audit lines are not written (handler tests) */
    ExchangeLog(ProxyMetrics metrics, AuditLog audit, AuditRecord.Direction direction, Clock clock) {
        this.metrics = metrics;
        this.audit = audit;
        this.direction = direction;
        this.clock = clock;
    }

    ProxyMetrics metrics() {
        return metrics;
    }

    /**
     * Records an exchange that reached its end, then runs {@code end} (which writes the last of the answer):
     * at once, or on the channel's event loop once the audit log has room.
     *
     * @param request the request as far as the pipeline got; null when the head was refused before parsing
     * @param head the decoder's request head (method and target for a refusal without {@code request})
     * @param refusal why the proxy refused or failed the request (e.g. {@code not_found}, {@code expired}),
     *                or null when the target answered
     */
    void finished(ChannelHandlerContext ctx, IngressRequest request, HttpRequest head, String requestId, int status,
                  String refusal, Runnable end) {
        Route route = request == null ? null : request.route;
        metrics.requestFinished(route == null ? "-" : route.name(), status);
        if (audit == null) {
            end.run();
            return;
        }
        AuditRecord record = record(request, head, requestId, status, refusal);
        if (audit.offer(record, ctx.executor(), end)) {
            end.run();
        }
    }

    private AuditRecord record(IngressRequest request, HttpRequest head, String requestId, int status,
                               String refusal) {
        Route route = request == null ? null : request.route;
        boolean denied = refusal != null && (request == null || request.refused);
        String rule = request == null || request.decision == null ? null : request.decision.ruleName();
        long durationMs = request == null ? 0
                : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - request.startNanos);
        // Netty stands a placeholder (GET /bad-request) in for a request line it could not parse; it is a full
        // request, where a parsed head is not. Such a line has no method or path to report.
        boolean lineUnparsed = request == null && head.decoderResult().isFailure() && head instanceof FullHttpRequest;
        // ts is when the request started: lines of one flow then sort as the flow ran.
        return new AuditRecord(clock.instant().minusMillis(durationMs), requestId, direction,
                request == null || request.user == null ? null : request.user.userId(),
                request == null ? null : request.user != null ? request.user.provider() : request.provider,
                route == null || route.agent() == null ? null : route.name(),
                route == null || route.tool() == null ? null : route.name(),
                lineUnparsed ? null : head.method().name(),
                request != null ? request.path : lineUnparsed ? null : rawPath(head.uri()), status,
                denied ? AuditRecord.Decision.DENY : AuditRecord.Decision.ALLOW, refusal, rule, durationMs);
    }

    /** The target of a request refused before it was parsed: no query string, bounded, printable. */
    private static String rawPath(String uri) {
        int question = uri.indexOf('?');
        String path = question < 0 ? uri : uri.substring(0, question);
        return path.length() > MAX_PATH_CHARS ? path.substring(0, MAX_PATH_CHARS) : path;
    }
}
