package io.runagents.ingress.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.runagents.ingress.core.testing.Behaviors;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown: accepting stops at once, an in-flight request runs to its end within the grace
 * period, idle keep-alive connections are closed, and the shutdown returns as soon as nothing is in
 * flight rather than at the end of the grace period.
 */
class GracefulShutdownTest {
    private final CompletableFuture<Void> release = new CompletableFuture<>();
    private StubAgent agent;
    private ProxyServer proxy;
    private Path auditFile;

    @BeforeEach
    void start() throws Exception {
        agent = StubAgent.start().on("/slow", Behaviors.awaiting(release, Behaviors.ECHO));
        var snapshot = TestConfigs.snapshot(List.of(TestConfigs.openAgent("any", "/", agent.uri())));
        auditFile = Path.of(snapshot.proxy().audit().file());
        proxy = ProxyServer.start(snapshot, 2);
    }

    @AfterEach
    void stop() {
        release.complete(null);
        proxy.close();
        agent.close();
    }

    @Test
    void inFlightRequestCompletesWhileNewConnectionsAreRefused() throws Exception {
        InetSocketAddress address = proxy.ingressAddress();
        try (RawHttp slow = new RawHttp(address); RawHttp idle = new RawHttp(address)) {
            assertThat(idle.send("GET /quick HTTP/1.1\r\nHost: a\r\n\r\n").read().status()).isEqualTo(200);
            slow.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> agent.received().size() == 2);

            long started = System.nanoTime();
            CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> proxy.shutdown(Duration.ofSeconds(5)));

            // Accepting stops: a new connection is refused (or, if accepted in the race, closed unanswered).
            await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThatThrownBy(() -> {
                try (RawHttp late = new RawHttp(address)) {
                    late.setTimeoutMillis(2_000);
                    late.send("GET /late HTTP/1.1\r\nHost: a\r\n\r\n").read();
                }
            }).isInstanceOf(IOException.class));
            // The idle keep-alive connection is closed without waiting for the grace period.
            assertThat(idle.closedByPeer()).isTrue();
            assertThat(shutdown).isNotDone();
            // The admin listener answers through the drain (SPEC: /healthz is 200 while the process runs); a
            // load balancer reading /readyz stops sending.
            assertThat(RawHttp.get(proxy.adminAddress(), "admin", "/healthz").status()).isEqualTo(200);
            RawHttp.Response readiness = RawHttp.get(proxy.adminAddress(), "admin", "/readyz");
            assertThat(readiness.status()).isEqualTo(503);
            assertThat(readiness.body()).contains("\"draining\"");

            release.complete(null);
            RawHttp.Response response = slow.read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.complete()).isTrue();
            assertThat(response.body()).contains("\"/slow\"");
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(slow.closedByPeer()).isTrue();

            shutdown.get(5, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(agent.received()).extracting(StubAgent.Received::uri).containsExactly("/quick", "/slow");
    }

    @Test
    void requestsStillInFlightAfterTheGracePeriodAreCut() throws Exception {
        try (RawHttp slow = new RawHttp(proxy.ingressAddress())) {
            slow.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> agent.received().size() == 1);
            long started = System.nanoTime();
            proxy.shutdown(Duration.ofMillis(300));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(250),
                    Duration.ofSeconds(4));
            // The agent never answered: the client is told so, rather than seeing the connection drop.
            RawHttp.Response cut = slow.read();
            assertThat(cut.status()).isEqualTo(503);
            assertThat(cut.body()).contains("\"error\":\"shutdown\"");
            assertThat(slow.closedByPeer()).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.closedConnections() == 1);
        // The proxy cut it, not the client: its audit line says so (shutdown returned after the audit was closed).
        assertThat(Files.readAllLines(auditFile)).singleElement().asString()
                .contains("\"status\":503").contains("\"reason\":\"shutdown\"").doesNotContain("client_closed");
    }
}
