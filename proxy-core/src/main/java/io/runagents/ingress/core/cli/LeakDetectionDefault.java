package io.runagents.ingress.core.cli;

import io.netty.util.ResourceLeakDetector;
import java.util.Properties;

/**
 * Netty's buffer leak detection for a running proxy: off unless asked for.
 *
 * <p>Netty samples one buffer in 128 by default, which sounds free but is not: the sampled buffers are
 * wrappers of another class, so every buffer call site in the pipeline sees two receiver types and the JIT
 * stops inlining them. Measured with {@code benchmarks/load/compare.sh}, turning it off saves 5-10% of the
 * CPU per request. Leaks are caught where they are cheaper to find: the test suite runs with
 * {@code paranoid} detection, and in production the allocator's memory is on {@code /metrics}
 * ({@code runagents_netty_allocator_memory_used{memory_type="direct"}}), where a leak shows as steady
 * growth. Setting {@code -Dio.netty.leakDetection.level=simple} (in {@code RUNAGENTS_JAVA_OPTS}) turns it
 * back on.
 */
final class LeakDetectionDefault {
    /** Netty's property and its older spelling; either one set means the operator chose. */
    private static final String[] PROPERTIES = {"io.netty.leakDetection.level", "io.netty.leakDetectionLevel"};

    private LeakDetectionDefault() {
    }

    /** Turns detection off for this process unless a level was set explicitly. Call before serving. */
    static void apply() {
        if (!chosenIn(System.getProperties())) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    /** Whether {@code properties} name a leak detection level. */
    static boolean chosenIn(Properties properties) {
        for (String name : PROPERTIES) {
            if (properties.getProperty(name) != null) {
                return true;
            }
        }
        return false;
    }
}
