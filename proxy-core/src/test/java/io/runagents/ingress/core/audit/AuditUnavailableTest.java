package io.runagents.ingress.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runagents.ingress.config.model.AuditSettings;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy on an audit filesystem that fills up (a 4 MiB tmpfs the test mounts, nearly filled; skipped where mounting is not
 * permitted): nothing is served unaudited and nothing hangs without bound. Once the queue is full a request waits
 * at most {@code audit.maxWaitMillis} and is then refused 503 {@code audit_unavailable} with {@code Retry-After};
 * {@code /readyz} names the audit trail while its writes fail; a client that left while its line waited is
 * recorded as 499; when space returns the proxy serves again by itself.
 */
class AuditUnavailableTest {
    private static final String GET = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";

    @TempDir
    Path dir;
    private Path mount;
    private StubAgent agent;
    private ProxyServer proxy;

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (agent != null) {
            agent.close();
        }
        if (mount != null) {
            run("umount", mount.toString());
        }
    }

    @Test
    void aFullAuditDiskRefusesRequestsWithin503AndRecoversByItself() throws Exception {
        mount = Files.createDirectory(dir.resolve("small"));
        String failure = run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mount.toString());
        Assumptions.assumeTrue(failure == null, () -> "cannot mount a tmpfs here (needs root): " + failure);
        Path filler = Files.write(mount.resolve("filler"), new byte[4 * 1024 * 1024 - 48 * 1024]);
        Path auditFile = mount.resolve("audit.jsonl");
        agent = StubAgent.start();
        ConfigSnapshot snapshot = TestConfigs.snapshot(TestConfigs.settings(new AuditSettings(auditFile.toString(),
                1500)), List.of(TestConfigs.openAgent("echo", "/", agent.uri())), List.of());
        proxy = ProxyServer.start(snapshot, 2);

        RawHttp.Response refused = null;
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            client.setTimeoutMillis(10_000);
            for (int i = 0; i < 20_000 && refused == null; i++) {
                RawHttp.Response response = client.send(GET).read();
                if (response.status() != 200) {
                    refused = response;
                }
            }
        }
        assertThat(refused).as("the disk filled and the queue behind it").isNotNull();
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.body()).contains("\"error\":\"audit_unavailable\"");
        assertThat(refused.header("retry-after")).matches("[1-9][0-9]*");
        assertThat(refused.header("connection")).isEqualToIgnoringCase("close");

        RawHttp.Response ready = RawHttp.get(proxy.adminAddress(), "admin", "/readyz");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.body()).contains("\"audit\"").contains("No space left on device");
        String metrics = RawHttp.get(proxy.adminAddress(), "admin", "/metrics").body();
        assertThat(metrics).contains("runagents_audit_unavailable_total").contains("runagents_audit_write_failures_total");

        // A client that gives up while its line waits: its line, written once space returns, says so.
        RawHttp leaving = new RawHttp(proxy.ingressAddress());
        leaving.send("GET /left HTTP/1.1\r\nHost: a\r\nX-Request-ID: left-early\r\n\r\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.received().stream()
                .anyMatch(r -> r.uri().equals("/left")));
        leaving.close();
        Files.delete(filler);

        await().atMost(Duration.ofSeconds(20)).until(() ->
                RawHttp.get(proxy.adminAddress(), "admin", "/readyz").status() == 200);
        assertThat(RawHttp.exchange(proxy.ingressAddress(), GET).status()).isEqualTo(200);
        proxy.shutdown(Duration.ofSeconds(5));
        proxy = null;
        List<JsonNode> left = Files.readAllLines(auditFile, StandardCharsets.UTF_8).stream().map(AuditUnavailableTest::json)
                .filter(l -> l.get("request_id").asText().equals("left-early")).toList();
        assertThat(left).singleElement().satisfies(l -> {
            assertThat(l.get("status").asInt()).isEqualTo(499);
            assertThat(l.get("reason").asText()).isEqualTo("client_closed");
        });
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException("not a JSON line: " + line, e);
        }
    }

    /** Runs a command; null when it succeeded, else what it printed. */
    private static String run(String... command) throws IOException, InterruptedException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.waitFor() == 0 ? null : output;
        } catch (IOException e) {
            return e.getMessage(); // no such command
        }
    }
}
