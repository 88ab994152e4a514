package io.runagents.ingress.benchmarks.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * A hiccup meter, in the manner of jHiccup: a thread that asks to sleep 1 ms over and over and records how much
 * later than asked it woke. Run on the server's core during a load run (lib.sh does), it tells a stall of the core
 * itself (the hypervisor descheduling the vCPU, which this VM does not report as steal time, or another process
 * holding the core) from a stall of the server: a server whose p99 is 700 ms while the meter on its core saw no gap
 * over a few ms stalled by itself.
 *
 * <p>Usage: {@code Hiccups SECONDS}; prints {@code hiccup_p99_us=.. hiccup_max_us=.. hiccup_max_at_s=..} when done.
 */
public final class Hiccups {
    private static final long ASKED_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The meter's own start (class loading, the first compilations) is not the core's: not recorded. */
    private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private Hiccups() { }

    public static void main(String[] args) {
        System.out.println(measure(Double.parseDouble(args[0])));
    }

    /**
     * Sleeps 1 ms at a time for {@code seconds}; the p99 and the maximum of how late it woke, and how many seconds
     * into the run the worst one ended, as key=value. The first 200 ms are not recorded.
     */
    public static String measure(double seconds) {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        Histogram late = new Histogram(TimeUnit.SECONDS.toNanos(60), 2);
        long worst = -1;
        long worstAt = start;
        for (long before = start; before < end; ) {
            LockSupport.parkNanos(ASKED_NANOS);
            long after = System.nanoTime();
            long lateBy = Math.min(late.getHighestTrackableValue(), Math.max(0, after - before - ASKED_NANOS));
            if (after - start >= SETTLE_NANOS) {
                late.recordValue(lateBy);
                if (lateBy > worst) {
                    worst = lateBy;
                    worstAt = after;
                }
            }
            before = after;
        }
        return String.format(java.util.Locale.ROOT, "hiccup_p99_us=%.0f hiccup_max_us=%.0f hiccup_max_at_s=%.1f",
                late.getValueAtPercentile(99) / 1e3, late.getMaxValue() / 1e3, (worstAt - start) / 1e9);
    }
}
