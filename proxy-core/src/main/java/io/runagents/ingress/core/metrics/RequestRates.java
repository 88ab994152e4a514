package io.runagents.ingress.core.metrics;

import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The request and refusal rates of the last minutes, for the console's activity chart: the totals of
 * {@code runagents_requests_total} (every answered request, ingress and egress) sampled at a fixed interval,
 * kept for a bounded number of intervals. "Refused" is an answer with a 4xx or 5xx status: the proxy's own
 * refusals and failures, and an agent's or tool's own errors alike, since the counters do not tell them apart.
 * Costs nothing on the data path: it only reads counters the proxy already keeps.
 */
public final class RequestRates {
    /** Totals at one moment. */
    public record Totals(long requests, long refused) { }

    /** What was answered between {@code start} and {@code end}. */
    public record Interval(Instant start, Instant end, long requests, long refused) { }

    private record Sample(Instant at, Totals totals) { }

    private final Supplier<Totals> totals;
    private final Clock clock;
    private final Duration interval;
    private final int keep;
    private final Deque<Sample> samples = new ArrayDeque<>();

    /**
     * @param totals   the counters' totals now
     * @param interval how often {@link #sample} runs
     * @param keep     how many intervals to keep
     */
    public RequestRates(Supplier<Totals> totals, Clock clock, Duration interval, int keep) {
        this.totals = Objects.requireNonNull(totals, "totals");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
        if (keep < 1) {
            throw new IllegalArgumentException("keep: " + keep + " (expected: >= 1)");
        }
        this.interval = interval;
        this.keep = keep;
        sample();
    }

    /**
     * Rates over {@code metrics}' request counters, sampled every {@code interval} on {@code scheduler} (the
     * sampling is a few counter reads) and kept for {@code keep} intervals.
     */
    public static RequestRates sampled(ProxyMetrics metrics, ScheduledExecutorService scheduler, Duration interval,
                                       int keep) {
        RequestRates rates = new RequestRates(() -> totals(metrics), Clock.systemUTC(), interval, keep);
        long millis = interval.toMillis();
        scheduler.scheduleAtFixedRate(rates::sample, millis, millis, TimeUnit.MILLISECONDS);
        return rates;
    }

    /** The totals of {@code runagents_requests_total}, the 4xx and 5xx answers counted as refused. */
    static Totals totals(ProxyMetrics metrics) {
        long requests = 0;
        long refused = 0;
        for (Counter c : metrics.registry().find("runagents.requests").counters()) {
            long n = (long) c.count();
            requests += n;
            String statusClass = c.getId().getTag("status_class");
            if ("4xx".equals(statusClass) || "5xx".equals(statusClass)) {
                refused += n;
            }
        }
        return new Totals(requests, refused);
    }

    /** Takes a sample now, dropping the oldest past {@code keep} intervals. */
    public synchronized void sample() {
        samples.addLast(new Sample(clock.instant(), totals.get()));
        while (samples.size() > keep + 1) {
            samples.removeFirst();
        }
    }

    /** The kept intervals, oldest first, and the one in progress (from the last sample to now) last. */
    public synchronized List<Interval> recent() {
        List<Interval> out = new ArrayList<>();
        Sample previous = null;
        for (Sample s : samples) {
            if (previous != null) {
                out.add(between(previous, s));
            }
            previous = s;
        }
        Sample now = new Sample(clock.instant(), totals.get());
        if (previous != null && now.at().isAfter(previous.at())) {
            out.add(between(previous, now));
        }
        return out;
    }

    /** How often a sample is taken. */
    public Duration interval() {
        return interval;
    }

    private static Interval between(Sample a, Sample b) {
        // A counter never falls; max() keeps a registry reset from showing as negative traffic.
        return new Interval(a.at(), b.at(), Math.max(0, b.totals().requests() - a.totals().requests()),
                Math.max(0, b.totals().refused() - a.totals().refused()));
    }
}
