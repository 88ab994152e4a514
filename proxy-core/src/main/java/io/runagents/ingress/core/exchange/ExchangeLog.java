package io.runagents.ingress.core.exchange;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.runagents.ingress.core.audit.AuditLog;
import io.runagents.ingress.core.audit.AuditRecord;
import io.runagents.ingress.core.http.ErrorResponses;
import io.runagents.ingress.core.http.WireError;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.routing.ToolRoute;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Where every exchange of a listener ends: it is counted in the metrics and gets its audit line
 * (SPEC section 9), allowed or refused. The end of the response waits for the audit line to be
 * accepted: when the audit writer falls behind, the answer (and so the next request on the connection)
 * waits for room instead of a line being lost, and the event loop never blocks.
 */
public final class ExchangeLog {
    /** The status audit lines and metrics give a request whose client left before the answer (nginx's 499). */
    static final int CLIENT_CLOSED_REQUEST = 499;
    private static final int MAX_PATH_CHARS = 2048;

    private final ProxyMetrics metrics;
    private final AuditLog audit;
    private final ListenerProfile profile;
    private final Clock clock;

    /** @param audit null when audit lines are not written (handler tests) */
    public ExchangeLog(ProxyMetrics metrics, AuditLog audit, ListenerProfile profile, Clock clock) {
        this.metrics = metrics;
        this.audit = audit;
        this.profile = profile;
        this.clock = clock;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /**
     * Answers {@code exchange} with a JSON error the proxy makes itself ({@code Connection: close} when the
     * exchange closes the connection) and records it.
     *
     * @param reason the audit line's reason: why the proxy refused or failed the request
     * @param headers adds response headers (a challenge, {@code Retry-After}); may be null
     */
    void answer(ChannelHandlerContext ctx, Exchange exchange, WireError error, String reason, String description,
                Consumer<HttpHeaders> headers) {
        finished(ctx, exchange, error.status().code(), reason, () -> ErrorResponses.send(ctx,
                exchange.head().method(), error, description, exchange.requestId(), exchange.closesConnection(),
                headers));
    }

    /**
     * Records an exchange that reached its end, then runs {@code end} (which writes the last of the answer):
     * at once, or on the channel's event loop once the audit log has room.
     *
     * @param refusal why the proxy refused or failed the request (e.g. {@code not_found}, {@code expired}),
     *                or null when the target answered
     */
    void finished(ChannelHandlerContext ctx, Exchange exchange, int status, String refusal, Runnable end) {
        metrics.requestFinished(exchange.targetName(), status);
        if (audit == null) {
            end.run();
            return;
        }
        if (audit.offer(record(exchange, status, refusal), ctx.executor(), end)) {
            end.run();
        }
    }

    private AuditRecord record(Exchange exchange, int status, String refusal) {
        HttpRequest head = exchange.head();
        boolean denied = refusal != null && exchange.refused();
        String rule = exchange.decision() == null ? null : exchange.decision().ruleName();
        long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - exchange.startNanos());
        // Netty stands a placeholder (GET /bad-request) in for a request line it could not parse; it is a full
        // request, where a parsed head is not. Such a line has no method or path to report.
        boolean lineUnparsed = !exchange.parsed() && head.decoderResult().isFailure() && head instanceof FullHttpRequest;
        String path = exchange.parsed() ? exchange.path() : lineUnparsed ? null : rawPath(head.uri());
        // ts is when the request started: lines of one flow then sort as the flow ran.
        return new AuditRecord(clock.instant().minusMillis(durationMs), exchange.requestId(), profile.direction(),
                exchange.user() == null ? null : exchange.user().userId(), exchange.provider(),
                exchange.agentName(), exchange.route() instanceof ToolRoute tool ? tool.name() : null,
                lineUnparsed ? null : head.method().name(), path, status,
                denied ? AuditRecord.Decision.DENY : AuditRecord.Decision.ALLOW, refusal, rule, durationMs);
    }

    /** The target of a request refused before it was parsed: no query string, bounded, printable. */
    private static String rawPath(String uri) {
        int question = uri.indexOf('?');
        String path = question < 0 ? uri : uri.substring(0, question);
        return path.length() > MAX_PATH_CHARS ? path.substring(0, MAX_PATH_CHARS) : path;
    }
}
