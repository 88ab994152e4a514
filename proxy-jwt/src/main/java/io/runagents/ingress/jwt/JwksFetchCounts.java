package io.runagents.ingress.jwt;

import java.util.concurrent.atomic.LongAdder;

/**
 * How many JWKS fetches of one provider succeeded and failed, since the process started. Kept per
 * provider name across reloads, so the metrics built on it only ever grow.
 */
public final class JwksFetchCounts {
    private final LongAdder successes = new LongAdder();
    private final LongAdder failures = new LongAdder();

    /** Counts a fetch whose document was accepted. */
    public void succeeded() {
        successes.increment();
    }

    /** Counts a fetch that failed or whose document was refused. */
    public void failed() {
        failures.increment();
    }

    public long successes() {
        return successes.sum();
    }

    public long failures() {
        return failures.sum();
    }
}
