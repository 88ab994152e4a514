package io.runagents.ingress.core.exchange;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.core.http.WireError;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/** What a {@link Stage} decided about a request head. */
public sealed interface Verdict permits Verdict.Next, Verdict.Refusal, Verdict.Reply, Verdict.Later,
        Verdict.ReadBody {
    /** On to the next stage (or the relay, after the last). Allocation-free: the common case. */
    Verdict NEXT = Next.INSTANCE;

    /** The request passes this stage. */
    enum Next implements Verdict { INSTANCE }

    /**
     * The proxy answers the request itself with a JSON error; the upstream never sees it.
     *
     * @param headers adds response headers (a challenge, {@code Retry-After}); may be null
     * @param fields more string members of the JSON body after the standard three ({@code tool},
     *               {@code consent_url}), in order; empty for most refusals
     */
    record Refusal(WireError error, String description, Consumer<HttpHeaders> headers, Map<String, String> fields)
            implements Verdict {
        public Refusal {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(description, "description");
            fields = fields.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        /** A refusal with the standard body only. */
        public Refusal(WireError error, String description, Consumer<HttpHeaders> headers) {
            this(error, description, headers, Map.of());
        }
    }

    /**
     * The proxy answers the request itself, not as a refusal: a document of its own such as an agent's
     * protected-resource metadata, or a CORS preflight. The upstream never sees it; its audit line says allow.
     *
     * @param body the whole body (sent without it for HEAD)
     * @param headers adds response headers; may be null
     */
    record Reply(HttpResponseStatus status, String contentType, byte[] body, Consumer<HttpHeaders> headers)
            implements Verdict {
        public Reply {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * The decision waits for something off the event loop (a key fetch). Reading stays paused and the body is
     * held meanwhile; when {@code pending} completes, {@code resume} makes the stage's verdict from its result
     * on the channel's event loop (so it may touch the exchange). A failed {@code pending} is answered 503.
     */
    record Later<T>(CompletionStage<T> pending, Function<? super T, Verdict> resume) implements Verdict {
        public Later {
            Objects.requireNonNull(pending, "pending");
            Objects.requireNonNull(resume, "resume");
        }
    }

    /**
     * The decision needs the request's body (a small JSON document the proxy answers itself, such as a consent
     * completion): it is read, up to {@code maxBytes} (more is 413), and {@code resume} makes the stage's verdict
     * from it on the channel's event loop. Only for requests the proxy answers: the body is consumed here.
     */
    record ReadBody(int maxBytes, Function<byte[], Verdict> resume) implements Verdict {
        public ReadBody {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 0)");
            }
            Objects.requireNonNull(resume, "resume");
        }
    }

    /** A refusal with {@code error}'s own description. */
    static Verdict refuse(WireError error) {
        return new Refusal(error, error.description(), null);
    }

    /** A refusal saying what happened. */
    static Verdict refuse(WireError error, String description) {
        return new Refusal(error, description, null);
    }
}
