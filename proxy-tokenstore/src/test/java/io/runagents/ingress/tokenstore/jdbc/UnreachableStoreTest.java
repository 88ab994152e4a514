package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.Lookup;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.StoreHealth;
import io.runagents.ingress.tokenstore.TokenSet;
import io.runagents.ingress.tokenstore.TokenStoreOptions;
import io.runagents.ingress.tokenstore.TokenStoreUnavailableException;
import io.runagents.ingress.jwt.testing.MutableClock;
import io.runagents.ingress.tokenstore.testing.SharedPostgres;
import io.runagents.ingress.tokenstore.testing.TcpGate;
import io.runagents.ingress.tokenstore.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A PostgreSQL store that cannot be reached: the proxy starts, calls fail within the connect timeout and typed,
 * health says why without credentials, and once the database is back the next calls migrate it and work.
 */
class UnreachableStoreTest {

    private static final GrantKey ALICE = new GrantKey("google", "alice@example.com", "github");
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);
    /** What "fails fast" means here: far above the connect timeout, far below the socket timeout (13 s). */
    private static final Duration FAST = Duration.ofSeconds(5);

    @TempDir
    Path dataDir;

    @Test
    void aRefusedConnectionFailsTheCallsNotTheStart() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: connections are refused
        }
        StoreHealth health = assertFailsFast("jdbc:postgresql://127.0.0.1:" + port + "/tokens");
        // The pool's timeout message alone does not say why; the driver's cause does.
        assertThat(health.error()).contains("Connection to 127.0.0.1:" + port + " refused");
    }

    @Test
    void aServerThatNeverAnswersFailsWithinTheConnectTimeout() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
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
            StoreHealth health = assertFailsFast("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/tokens");
            assertThat(health.error()).contains("request timed out after");
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void aDatabaseThatComesBackIsMigratedAndUsedByTheNextCalls() throws Exception {
        try (TcpGate gate = new TcpGate(SharedPostgres.port())) {
            String url = SharedPostgres.newSchemaUrl(gate.port());
            TokenStoreOptions options = TokenStoreOptions.of(url, "postgres", Secret.of("postgres"), 2, dataDir,
                    TestKeys.ring(TestKeys.K1)).withTimeouts(CONNECT_TIMEOUT, Duration.ofSeconds(2));
            try (JdbcTokenStore store = JdbcTokenStore.open(options, MutableClock.atFixedStart())) {
                assertThatThrownBy(() -> store.load(ALICE)).isInstanceOf(TokenStoreUnavailableException.class);
                assertThat(store.health().reachable()).isFalse();
                assertThat(tableCount(url.replace(":" + gate.port() + "/", ":" + SharedPostgres.port() + "/")))
                        .as("tables before the database is reachable").isZero();

                gate.open();
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                        .until(() -> store.health().reachable());
                assertThat(store.load(ALICE)).isEqualTo(Lookup.none());
                store.replace(ALICE, new TokenSet(Secret.of("access"), null, null, null));
                assertThat(store.load(ALICE).found().orElseThrow().accessToken()).isEqualTo(Secret.of("access"));
                assertThat(store.health().error()).isNull();
            }
        }
    }

    /** Opens a store on {@code url}, checks that it starts and that its calls fail fast; returns its health. */
    private StoreHealth assertFailsFast(String url) {
        TokenStoreOptions options = TokenStoreOptions.of(url + "?password=hunter2", "proxy", Secret.of("hunter2"),
                2, dataDir, TestKeys.ring(TestKeys.K1)).withTimeouts(CONNECT_TIMEOUT, Duration.ofSeconds(2));
        try (JdbcTokenStore store = timed("open", () -> JdbcTokenStore.open(options, MutableClock.atFixedStart()))) {
            assertThatThrownBy(() -> timed("load", () -> store.load(ALICE)))
                    .isInstanceOf(TokenStoreUnavailableException.class)
                    .hasMessageStartingWith("token store: cannot migrate the schema: ")
                    .hasMessageNotContaining("hunter2");
            StoreHealth health = timed("health", store::health);
            assertThat(health.reachable()).isFalse();
            assertThat(health.backend()).isEqualTo("postgresql");
            assertThat(health.error()).startsWith("token store: cannot migrate the schema: ").doesNotContain("hunter2");
            return health;
        }
    }

    /** {@code call}'s result, after checking that it returned or threw within {@link #FAST}. */
    private static <T> T timed(String what, java.util.function.Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as(what).isLessThan(FAST);
        }
    }

    /** How many tables the schema of {@code url} has, read directly from the server. */
    private static int tableCount(String url) throws Exception {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
                     + schema + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
