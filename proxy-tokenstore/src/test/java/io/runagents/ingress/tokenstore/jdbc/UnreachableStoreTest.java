package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.StoreHealth;
import io.runagents.ingress.tokenstore.TokenStoreOptions;
import io.runagents.ingress.tokenstore.TokenStoreUnavailableException;
import io.runagents.ingress.jwt.testing.MutableClock;
import io.runagents.ingress.tokenstore.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A PostgreSQL store that cannot be reached: the proxy starts, calls fail fast and typed, health says why. */
class UnreachableStoreTest {

    private static final GrantKey ALICE = new GrantKey("google", "alice@example.com", "github");

    @TempDir
    Path dataDir;

    @Test
    void aRefusedConnectionFailsTheCallsNotTheStart() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: connections are refused
        }
        assertFailsFast("jdbc:postgresql://127.0.0.1:" + port + "/tokens");
    }

    @Test
    void aServerThatNeverAnswersFailsWithinTheConnectTimeout() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // and never say a word
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            assertFailsFast("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/tokens");
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    private void assertFailsFast(String url) {
        TokenStoreOptions options = TokenStoreOptions.of(url + "?password=hunter2", "proxy", Secret.of("hunter2"),
                2, dataDir, TestKeys.ring(TestKeys.K1)).withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2));
        long start = System.nanoTime();
        try (JdbcTokenStore store = JdbcTokenStore.open(options, MutableClock.atFixedStart())) {
            assertThatThrownBy(() -> store.load(ALICE))
                    .isInstanceOf(TokenStoreUnavailableException.class)
                    .hasMessageStartingWith("token store: cannot migrate the schema: ")
                    .hasMessageNotContaining("hunter2");
            StoreHealth health = store.health();
            assertThat(health.reachable()).isFalse();
            assertThat(health.backend()).isEqualTo("postgresql");
            assertThat(health.error()).isNotBlank().doesNotContain("hunter2");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }
}
