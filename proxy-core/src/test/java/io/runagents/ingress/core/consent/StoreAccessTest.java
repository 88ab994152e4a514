package io.runagents.ingress.core.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.core.metrics.OAuthMetrics;
import io.runagents.ingress.tokenstore.TokenStore;
import io.runagents.ingress.tokenstore.jdbc.JdbcTokenStore;
import io.runagents.ingress.tokenstore.testing.Backend;
import io.runagents.ingress.tokenstore.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreAccessTest {
    @TempDir
    Path dataDir;

    /**
     * The demo stopped 100 ms after it started, while the store was still opening in the background: close()
     * returned, the demo deleted its data directory, and the late open created the database in it again
     * (DirectoryNotEmptyException). close() now waits for the open, and closes what it opened.
     */
    @Test
    void closeWaitsForAnOpenInFlightAndClosesWhatItOpened() throws Exception {
        CountDownLatch opening = new CountDownLatch(1);
        AtomicReference<TokenStore> opened = new AtomicReference<>();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        StoreAccess access = new StoreAccess(() -> {
            opening.countDown();
            awaitInterruptUninterruptibly(); // like a JDBC open, it goes on when close() interrupts it
            TokenStore store = JdbcTokenStore.open(Backend.sqlite(dataDir).options(TestKeys.ring(TestKeys.K1)), Clock.systemUTC());
            opened.set(store);
            return store;
        }, threads, OAuthMetrics.none());

        access.openSoon();
        assertThat(opening.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture.runAsync(access::close).get(20, TimeUnit.SECONDS);

        assertThat(threads.isTerminated()).as("the store's threads stopped before close() returned").isTrue();
        assertThat(opened.get()).as("the open in flight finished").isNotNull();
        assertThat(opened.get().health().reachable()).as("and its store was closed").isFalse();
        deleteTree(dataDir); // what the demo does after close(): nothing writes here any more
        assertThat(Files.exists(dataDir)).isFalse();
    }

    private static void awaitInterruptUninterruptibly() {
        try {
            new CountDownLatch(1).await(); // never counted down: only an interrupt ends it
        } catch (InterruptedException e) {
            // what close() does to the store's threads
        }
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
