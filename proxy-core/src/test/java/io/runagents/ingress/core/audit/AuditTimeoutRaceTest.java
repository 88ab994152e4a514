package io.runagents.ingress.core.audit;

import static io.runagents.ingress.core.audit.AuditFixtures.ids;
import static io.runagents.ingress.core.audit.AuditFixtures.read;
import static io.runagents.ingress.core.audit.AuditFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.runagents.ingress.jwt.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time-outs racing the writer: connections on their own event loops offer records one after another (the
 * next once the last was accepted or refused) with a 1 ms wait, while the disk fills and frees over and
 * over. Every offer has exactly one outcome, and the file holds exactly the accepted lines, in each
 * connection's order.
 */
class AuditTimeoutRaceTest {
    private static final int CONNECTIONS = 4;
    private static final int EACH = 2_000;

    @TempDir
    Path dir;

    @Test
    void everyOfferIsAcceptedOrTimedOutOnceAndOnlyAcceptedLinesAreWrittenInOrder() throws Exception {
        MutableClock clock = MutableClock.atFixedStart();
        LimitedDisk disk = new LimitedDisk();
        Path file = dir.resolve("audit.jsonl");
        List<Connection> connections = new ArrayList<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        try (AuditLog log = AuditLog.open(disk.open(file, clock), 8, clock, Duration.ofMillis(1))) {
            log.maxWait(Duration.ofMillis(1));
            Thread filler = new Thread(() -> {
                while (producing.get()) { // a disk that fills after 8 KiB each time it is freed
                    disk.spaceLeft(8 * 1024);
                    await().atMost(Duration.ofSeconds(30)).until(() -> !producing.get() || !log.health().ok());
                }
                disk.free();
            }, "disk-filler");
            filler.start();
            for (int c = 0; c < CONNECTIONS; c++) {
                connections.add(new Connection(log, c));
            }
            connections.forEach(Connection::start);
            CompletableFuture.allOf(connections.stream().map(c -> c.done).toArray(CompletableFuture[]::new))
                    .get(60, TimeUnit.SECONDS);
            producing.set(false);
            filler.join();
        } finally {
            connections.forEach(c -> c.loop.shutdownNow());
        }
        List<String> written = ids(read(file));
        assertThat(Set.copyOf(written)).hasSize(written.size());
        int timedOut = 0;
        for (Connection c : connections) {
            Set<Integer> both = ConcurrentHashMap.newKeySet();
            both.addAll(c.accepted);
            both.addAll(c.timedOut);
            assertThat(c.accepted.size() + c.timedOut.size()).as("one outcome per offer").isEqualTo(EACH);
            assertThat(both).hasSize(EACH);
            String prefix = "p" + c.id + "-";
            assertThat(written.stream().filter(id -> id.startsWith(prefix)).toList())
                    .containsExactlyElementsOf(c.accepted.stream().map(seq -> prefix + seq).toList());
            timedOut += c.timedOut.size();
        }
        assertThat(timedOut).as("the disk filled: some offers found no room in time").isPositive();
    }

    /** One client connection: offers its next record once the last one was accepted or refused. */
    private static final class Connection {
        final int id;
        final AuditLog log;
        final ScheduledExecutorService loop;
        final List<Integer> accepted = new CopyOnWriteArrayList<>();
        final List<Integer> timedOut = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private int seq; // loop thread only

        Connection(AuditLog log, int id) {
            this.log = log;
            this.id = id;
            this.loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "loop-" + id));
        }

        void start() {
            loop.execute(this::next);
        }

        private void next() {
            if (seq == EACH) {
                done.complete(null);
                return;
            }
            int s = seq++;
            AuditTicket ticket = log.offer(record(id, s), loop, () -> {
                accepted.add(s);
                next();
            }, () -> {
                timedOut.add(s);
                next();
            });
            if (!ticket.parked()) {
                accepted.add(s);
                loop.execute(this::next);
            }
        }
    }
}
