package io.runagents.ingress.core.exchange;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.runagents.ingress.core.audit.AuditLog;
import io.runagents.ingress.core.audit.AuditRecord;
import io.runagents.ingress.core.audit.AuditTicket;
import io.runagents.ingress.core.http.ErrorResponses;
import io.runagents.ingress.core.http.WireError;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.routing.ToolRoute;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Where every exchange of a listener ends: it is counted in the metrics and gets its audit line
 * (SPEC section 9), allowed or refused. The end of the response waits for the audit line to be queued, so
 * nothing is served unaudited, and the event loop never blocks: when the audit writer falls behind (a full
 * disk), the end waits up to {@code audit.maxWaitMillis}; after that the request is refused instead
 * (503 {@code audit_unavailable} when its answer had not begun, a cut connection when it had), and its line
 * is not written. A client that leaves while its line waits is recorded as 499 {@code client_closed}.
 */
public final class ExchangeLog {
    /** The status audit lines and metrics give a request whose client left before the answer (nginx's 499). */
    static final int CLIENT_CLOSED_REQUEST = 499;
    /** Seconds a client refused for the audit trail should wait; replicas with a healthy disk serve it meanwhile. */
    static final int AUDIT_RETRY_AFTER_SECONDS = 5;
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
        answer(ctx, exchange, error, reason, description, headers, Map.of());
    }

    /** Like {@link #answer(ChannelHandlerContext, Exchange, WireError, String, String, Consumer)}, with more body fields. */
    void answer(ChannelHandlerContext ctx, Exchange exchange, WireError error, String reason, String description,
                Consumer<HttpHeaders> headers, Map<String, String> fields) {
        finished(ctx, exchange, error.status().code(), reason, () -> ErrorResponses.send(ctx,
                exchange.head().method(), error, description, exchange.requestId(), exchange.closesConnection(),
                withCors(exchange, headers), fields), () -> refuseUnaudited(ctx, exchange));
    }

    /** Sends a document the proxy answers with itself (not a refusal) and records it. */
    void reply(ChannelHandlerContext ctx, Exchange exchange, Verdict.Reply reply) {
        finished(ctx, exchange, reply.status().code(), null, () -> ErrorResponses.reply(ctx,
                exchange.head().method(), reply.status(), reply.contentType(), reply.body(), exchange.requestId(),
                exchange.closesConnection(), withCors(exchange, reply.headers())),
                () -> refuseUnaudited(ctx, exchange));
    }

    /** A refusal or reply to an allowed cross-origin caller says so, as the agent's own answers do. */
    private static Consumer<HttpHeaders> withCors(Exchange exchange, Consumer<HttpHeaders> headers) {
        if (exchange.allowedOrigin() == null) {
            return headers;
        }
        return h -> {
            if (headers != null) {
                headers.accept(h);
            }
            CorsHeaders.addTo(h, exchange.allowedOrigin());
        };
    }

    /**
     * True while the audit trail cannot take lines as fast as they come (its writes fail, or answers already
     * wait for room): the relay then holds a small answer back until its line is queued.
     */
    boolean auditStalled() {
        return audit != null && (audit.parked() > 0 || !audit.health().ok());
    }

    /** The answer to a request whose audit line could not be queued in time: 503, and the connection closes. */
    void refuseUnaudited(ChannelHandlerContext ctx, Exchange exchange) {
        ErrorResponses.send(ctx, exchange.head().method(), WireError.AUDIT_UNAVAILABLE,
                WireError.AUDIT_UNAVAILABLE.description(), exchange.requestId(), true,
                h -> h.setInt(HttpHeaderNames.RETRY_AFTER, AUDIT_RETRY_AFTER_SECONDS));
    }

    /**
     * Records an exchange that reached its end, then runs {@code end} (which writes the last of the answer): at
     * once, or on the channel's event loop once the audit log has room. When it gets none in time,
     * {@code unaudited} runs instead (and must release what {@code end} would have written): a 503 when the
     * answer had not begun, else a closed connection, so the client never sees a complete, unaudited answer.
     *
     * @param refusal why the proxy refused or failed the request (e.g. {@code not_found}, {@code expired}),
     *                or null when the target answered
     */
    void finished(ChannelHandlerContext ctx, Exchange exchange, int status, String refusal, Runnable end,
                  Runnable unaudited) {
        record(ctx, exchange, status, refusal, end, unaudited);
    }

    private void record(ChannelHandlerContext ctx, Exchange exchange, int status, String refusal, Runnable end,
                        Runnable unaudited) {
        String target = exchange.targetName();
        if (audit == null) {
            metrics.requestFinished(target, status);
            end.run();
            return;
        }
        WaitingLine waiting = new WaitingLine(record(exchange, status, refusal), target, status, end, unaudited);
        AuditTicket ticket = audit.offer(waiting.record, ctx.executor(), waiting::accepted, waiting::timedOut);
        if (!ticket.parked()) {
            waiting.accepted();
            return;
        }
        // While the line waits, the client may leave: then nobody got the answer the line would claim.
        waiting.ticket = ticket;
        ctx.channel().closeFuture().addListener(closed -> waiting.clientLeft());
    }

    /** An exchange's end and its audit line, until the line is queued or given up on. Event loop only. */
    private final class WaitingLine {
        final AuditRecord record;
        final String target;
        final int status;
        final Runnable end;
        final Runnable unaudited;
        AuditTicket ticket;
        boolean settled;

        WaitingLine(AuditRecord record, String target, int status, Runnable end, Runnable unaudited) {
            this.record = record;
            this.target = target;
            this.status = status;
            this.end = end;
            this.unaudited = unaudited;
        }

        void accepted() {
            settled = true;
            metrics.requestFinished(target, status);
            end.run();
        }

        void timedOut() {
            settled = true;
            metrics.requestFinished(target, WireError.AUDIT_UNAVAILABLE.status().code());
            unaudited.run();
        }

        void clientLeft() {
            if (!settled) {
                ticket.replace(record.withStatus(CLIENT_CLOSED_REQUEST, "client_closed"));
            }
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
                denied ? AuditRecord.Decision.DENY : AuditRecord.Decision.ALLOW, refusal, rule, durationMs,
                exchange.contextId());
    }

    /** The target of a request refused before it was parsed: no query string, bounded, printable. */
    private static String rawPath(String uri) {
        int question = uri.indexOf('?');
        String path = question < 0 ? uri : uri.substring(0, question);
        return path.length() > MAX_PATH_CHARS ? path.substring(0, MAX_PATH_CHARS) : path;
    }
}
