package io.runagents.ingress.core.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The packages of proxy-core depend on each other one way only (ARCHITECTURE: "none importing a package that
 * imports it"): jdeps reads the compiled classes, and any group of packages that reach each other through their
 * imports fails the build, named with the classes behind each edge.
 */
class PackageCyclesTest {
    private static final String CORE = "io.runagents.ingress.core.";

    @Test
    void noPackageOfProxyCoreDependsOnAPackageThatDependsOnIt() {
        Map<String, Set<String>> edges = packageEdges(Path.of("target", "classes"));
        assertThat(edges).as("jdeps found the packages").containsKeys(CORE + "exchange", CORE + "server");
        assertThat(cycles(edges)).as("package cycles (each line: packages that reach each other)").isEmpty();
    }

    /** Package -> packages it uses, inside proxy-core, from {@code jdeps -verbose:package}. */
    private static Map<String, Set<String>> packageEdges(Path classes) {
        assertThat(Files.isDirectory(classes)).as("compiled classes at %s", classes.toAbsolutePath()).isTrue();
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package", "-filter:none",
                classes.toString());
        assertThat(rc).as("jdeps: %s", out).isZero();
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 3 && parts[1].equals("->") && parts[0].startsWith(CORE) && parts[2].startsWith(CORE)
                    && !parts[0].equals(parts[2])) {
                edges.computeIfAbsent(parts[0], p -> new TreeSet<>()).add(parts[2]);
            }
        }
        return edges;
    }

    /** The strongly connected components with more than one package (Tarjan's algorithm). */
    private static List<Set<String>> cycles(Map<String, Set<String>> edges) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        List<Set<String>> found = new ArrayList<>();
        int[] counter = {0};
        for (String node : edges.keySet()) {
            if (!index.containsKey(node)) {
                visit(node, edges, index, low, stack, found, counter);
            }
        }
        return found;
    }

    private static void visit(String node, Map<String, Set<String>> edges, Map<String, Integer> index,
                              Map<String, Integer> low, Deque<String> stack, List<Set<String>> found, int[] counter) {
        index.put(node, counter[0]);
        low.put(node, counter[0]++);
        stack.push(node);
        for (String next : edges.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                visit(next, edges, index, low, stack, found, counter);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (stack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                component.add(member.substring(CORE.length()));
            } while (!member.equals(node));
            if (component.size() > 1) {
                found.add(component);
            }
        }
    }
}
