package io.runagents.ingress.core.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * An agent's upstreams in round robin. A target whose connection failed is skipped for a short
 * back-off, unless every target is backing off, in which case the next one is tried anyway (better a
 * fast failure than a guaranteed 502).
 */
public final class UpstreamGroup {
    /** How long a target that refused a connection is passed over. */
    static final long BACKOFF_NANOS = 5_000_000_000L;

    private final List<UpstreamTarget> targets;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLongArray failedUntil;

    UpstreamGroup(List<UpstreamTarget> targets) {
        this.targets = List.copyOf(targets);
        this.failedUntil = new AtomicLongArray(targets.size());
    }

    /** How many targets there are: the most attempts one request makes. */
    public int size() {
        return targets.size();
    }

    /** The next target in turn that is not backing off at {@code nowNanos}. */
    public UpstreamTarget pick(long nowNanos) {
        int n = targets.size();
        if (n == 1) {
            return targets.get(0);
        }
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            int index = (start + i) % n;
            if (failedUntil.get(index) - nowNanos <= 0) {
                return targets.get(index);
            }
        }
        return targets.get(start);
    }

    /** Records that connecting to {@code target} failed. */
    public void markFailed(UpstreamTarget target, long nowNanos) {
        int index = targets.indexOf(target);
        if (index >= 0) {
            failedUntil.set(index, nowNanos + BACKOFF_NANOS);
        }
    }

    /** Records that {@code target} answered, ending its back-off. */
    public void markHealthy(UpstreamTarget target) {
        if (targets.size() > 1) {
            int index = targets.indexOf(target);
            if (index >= 0 && failedUntil.get(index) != 0) {
                failedUntil.set(index, 0);
            }
        }
    }
}
