package io.runagents.ingress.benchmarks.load;

/**
 * The timeline of one run, shared read-only by every connection: when measuring starts (after the
 * warm-up), when everything stops, and in open loop the interval between one connection's intended sends.
 *
 * @param intervalNanos 0 for closed loop
 */
record LoadPlan(long measureFromNanos, long endNanos, long intervalNanos) {
    boolean openLoop() {
        return intervalNanos > 0;
    }
}
