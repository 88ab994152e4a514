package io.runagents.ingress.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.runagents.ingress.config.watch.ReloadStatus;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.runagents.ingress.core.audit.AuditLog;
import io.runagents.ingress.jwt.IdentityProviders;
import io.runagents.ingress.jwt.JwksFetchCounts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The proxy's Prometheus metrics. Every name is prefixed {@code runagents_} (JVM and Netty ones too).
 * Per-agent meters are looked up once and cached, so recording a request costs a map read and two
 * increments, not a registry lookup.
 */
public final class ProxyMetrics implements AutoCloseable {
    private static final String PREFIX = "runagents.";
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<String, AgentMeters> agents = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>> authCounters =
            new ConcurrentHashMap<>();
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private volatile Supplier<IdentityProviders> identity;
    /** Providers whose fetch counters are registered: registering one twice makes Micrometer warn. */
    private final Set<String> fetchCountersRegistered = ConcurrentHashMap.newKeySet();
    private volatile MultiGauge jwksKeys;
    private volatile MultiGauge providerReady;

    public ProxyMetrics() {
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().startsWith(PREFIX) ? id : id.withName(PREFIX + id.getName());
            }
        });
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
    }

    /** The registry, for components that bind their own meters (caches, JWKS engines). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Publishes a listener's open connection count as {@code runagents_connections_open{listener}}. */
    public void connectionsGauge(String listener, IntSupplier open) {
        Gauge.builder(PREFIX + "connections.open", open::getAsInt)
                .description("Open client connections")
                .tag("listener", listener)
                .register(registry);
    }

    /** Counts a finished request: {@code runagents_requests_total{agent, status_class}}. */
    public void requestFinished(String agent, int status) {
        int index = status / 100 - 1;
        meters(agent).byStatusClass[index < 0 || index > 4 ? 4 : index].increment();
    }

    /** Time from sending the request head to the agent until its response head arrived. */
    public void upstreamLatency(String agent, long nanos) {
        meters(agent).upstreamLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Publishes the identity providers' state: keys per provider, readiness, and the verified-token cache
     * (size, hits, misses, evictions). {@code current} is read at scrape time, so reloads need no rebinding.
     */
    public void bindIdentity(Supplier<IdentityProviders> current) {
        CaffeineCacheMetrics.monitor(registry, current.get().tokenCacheMetricsView(), "verified_tokens");
        this.identity = current;
        this.jwksKeys = MultiGauge.builder(PREFIX + "jwks.keys")
                .description("Usable keys per identity provider").register(registry);
        this.providerReady = MultiGauge.builder(PREFIX + "identity.provider.ready")
                .description("1 when the provider has usable keys").register(registry);
    }

    /** Re-reads the providers' states into the per-provider gauges (providers come and go with reloads). */
    private void refreshIdentityGauges() {
        if (identity == null) {
            return;
        }
        List<MultiGauge.Row<?>> keyRows = new ArrayList<>();
        List<MultiGauge.Row<?>> readyRows = new ArrayList<>();
        identity.get().states().forEach((name, state) -> {
            keyRows.add(MultiGauge.Row.of(Tags.of("provider", name), state.keys()));
            readyRows.add(MultiGauge.Row.of(Tags.of("provider", name), state.ready() ? 1 : 0));
        });
        jwksKeys.register(keyRows, true);
        providerReady.register(readyRows, true);
        identity.get().fetchCounts().forEach((name, counts) -> {
            // The counts of a name are kept across reloads, so the first registration stays right.
            if (!fetchCountersRegistered.add(name)) {
                return;
            }
            FunctionCounter.builder(PREFIX + "jwks.fetches", counts, JwksFetchCounts::successes)
                    .description("JWKS fetches by provider and result").tags("provider", name, "result", "success")
                    .register(registry);
            FunctionCounter.builder(PREFIX + "jwks.fetches", counts, JwksFetchCounts::failures)
                    .description("JWKS fetches by provider and result").tags("provider", name, "result", "failure")
                    .register(registry);
        });
    }

    /**
     * Publishes the audit writer: lines written, lines waiting (the queue's depth), answers waiting for room,
     * failed write attempts, and requests refused because their line found no room in time.
     */
    public void bindAudit(AuditLog audit) {
        FunctionCounter.builder(PREFIX + "audit.lines.written", audit, AuditLog::written)
                .description("Audit lines written").register(registry);
        Gauge.builder(PREFIX + "audit.queued", audit, AuditLog::queued)
                .description("Audit lines waiting for the writer").register(registry);
        Gauge.builder(PREFIX + "audit.parked", audit, AuditLog::parked)
                .description("Answers waiting for room in the audit queue").register(registry);
        FunctionCounter.builder(PREFIX + "audit.write.failures", audit, AuditLog::writeFailures)
                .description("Failed attempts to write, flush, fsync or rotate the audit file (each retry counts)")
                .register(registry);
        FunctionCounter.builder(PREFIX + "audit.unavailable", audit, AuditLog::timedOut)
                .description("Requests refused 503 audit_unavailable: their audit line found no room within "
                        + "audit.maxWaitMillis").register(registry);
    }

    /**
     * Registers {@code runagents_config_reloads_total{result}}, one counter per result, and returns the counting
     * function a reloader calls once per reload.
     */
    public Consumer<ReloadStatus.Result> configReloads() {
        Map<ReloadStatus.Result, Counter> reloads = new EnumMap<>(ReloadStatus.Result.class);
        for (ReloadStatus.Result r : ReloadStatus.Result.values()) {
            reloads.put(r, Counter.builder(PREFIX + "config.reloads")
                    .description("Reloads of the conf directory by result")
                    .tag("result", r.label())
                    .register(registry));
        }
        return result -> reloads.get(result).increment();
    }

    /** Counts an authentication decision: {@code runagents_auth_total{provider, result}}. */
    public void authResult(String provider, String result) {
        // Two map reads, no key built per request: this runs for every authenticated request.
        ConcurrentHashMap<String, Counter> byResult = authCounters.get(provider);
        if (byResult == null) {
            byResult = authCounters.computeIfAbsent(provider, p -> new ConcurrentHashMap<>());
        }
        Counter counter = byResult.get(result);
        if (counter == null) {
            counter = byResult.computeIfAbsent(result, r -> Counter.builder(PREFIX + "auth")
                    .description("Authentication decisions at the ingress")
                    .tags("provider", provider, "result", r)
                    .register(registry));
        }
        counter.increment();
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        refreshIdentityGauges();
        return registry.scrape();
    }

    private AgentMeters meters(String agent) {
        AgentMeters meters = agents.get(agent);
        return meters != null ? meters : agents.computeIfAbsent(agent, this::newMeters);
    }

    private AgentMeters newMeters(String agent) {
        Counter[] counters = new Counter[STATUS_CLASSES.length];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = Counter.builder(PREFIX + "requests")
                    .description("Requests answered by the ingress")
                    .tags("agent", agent, "status_class", STATUS_CLASSES[i])
                    .register(registry);
        }
        Timer latency = Timer.builder(PREFIX + "upstream.latency")
                .description("Time from request sent to response head received, per agent")
                .tag("agent", agent)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        return new AgentMeters(counters, latency);
    }

    private record AgentMeters(Counter[] byStatusClass, Timer upstreamLatency) { }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
