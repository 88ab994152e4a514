package io.runagents.ingress.core.audit;

import static io.runagents.ingress.core.audit.AuditFixtures.DIRECT;
import static io.runagents.ingress.core.audit.AuditFixtures.NOTHING;
import static io.runagents.ingress.core.audit.AuditFixtures.ids;
import static io.runagents.ingress.core.audit.AuditFixtures.read;
import static io.runagents.ingress.core.audit.AuditFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runagents.ingress.jwt.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    private final MutableClock clock = MutableClock.atFixedStart();
    @TempDir
    Path dir;

    @Test
    void createsItsDirectoryAndAFileOnlyOwnerAndGroupCanRead() throws Exception {
        Path file = dir.resolve("logs/nested/audit.jsonl");
        try (AuditLog log = AuditLog.open(file, 16, clock)) {
            log.offer(record(0, 0), DIRECT, NOTHING, NOTHING);
        }
        assertThat(read(file)).hasSize(1);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // A stricter umask may take group read away, but never adds anything.
            assertThat(Files.getPosixFilePermissions(file))
                    .contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)
                    .isSubsetOf(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                            PosixFilePermission.GROUP_READ);
        }
    }

    @Test
    void flushPutsEveryOfferedLineOnDiskAsParsableJson() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file, 16, clock)) {
            for (int i = 0; i < 3; i++) {
                assertThat(log.offer(record(0, i), DIRECT, NOTHING, NOTHING).parked()).isFalse();
            }
            log.flush().get(5, TimeUnit.SECONDS);

            List<JsonNode> lines = read(file);
            assertThat(ids(lines)).containsExactly("p0-0", "p0-1", "p0-2");
            assertThat(lines.get(2).get("path").asText()).isEqualTo("/repos/2");
            assertThat(log.written()).isEqualTo(3);
            assertThat(log.queued()).isZero();
        }
    }

    @Test
    void keepsEveryProducersOrderUnderConcurrency() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file, 4096, clock)) {
            Producers.run(log, 4, 5_000, DIRECT);
        }
        assertExactlyOnceInProducerOrder(ids(read(file)), 4, 5_000);
    }

    @Test
    void tinyCapacityParksInsteadOfBlockingOrDropping() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        ScheduledExecutorService eventLoop =
                Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "fake-event-loop"));
        Producers result;
        try (AuditLog log = AuditLog.open(file, 8, clock)) {
            log.maxWait(Duration.ofMinutes(5)); // a slow CI machine must not turn a park into a refusal here
            warmUp(log);
            result = Producers.run(log, 4, 5_000, eventLoop);
            assertThat(log.parked()).isZero();
        } finally {
            eventLoop.shutdownNow();
        }

        List<String> ids = ids(read(file));
        assertThat(ids.get(0)).isEqualTo("warm-up");
        assertExactlyOnceInProducerOrder(ids.subList(1, ids.size()), 4, 5_000);
        assertThat(result.parked.get()).as("offers that parked").isPositive();
        assertThat(result.resumed.get()).as("callbacks run").isEqualTo(result.parked.get());
        assertThat(result.timedOut.get()).isZero();
        assertThat(result.callbackThreads).containsOnly("fake-event-loop");
        // By the wall clock a preempted producer looks like a blocked one, and CI machines are often
        // overloaded; so a few slow samples are tolerated here. That offers never wait for the writer is
        // shown deterministically by offersNeverWaitForAStuckWriterAndCloseWritesParkedRecords.
        assertThat(result.slowOffers.get()).as("offers of 5 ms or more (slowest: %d us)",
                result.slowestOfferNanos.get() / 1_000).isLessThanOrEqualTo(20);
    }

    @Test
    void offersNeverWaitForAStuckWriterAndCloseWritesParkedRecords() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        CountDownLatch gate = new CountDownLatch(1);
        AtomicReference<Thread> writer = new AtomicReference<>();
        // Runs the first parked record's callback on the writer thread and holds it there.
        ManualScheduler stuck = new ManualScheduler(task -> {
            writer.set(Thread.currentThread());
            awaitUninterruptibly(gate);
            task.run();
        });
        AtomicInteger resumed = new AtomicInteger();
        AuditLog log = AuditLog.open(file, 1, clock);
        int seq = 0;
        while (!log.offer(record(0, seq++), stuck, NOTHING, NOTHING).parked()) {
            assertThat(seq).as("a capacity-1 log must park at some point").isLessThan(1_000_000);
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> writer.get() != null);

        int parkedBefore = seq;
        int parkedWhileStuck = 0;
        for (int i = 0; i < 10_000; i++) {
            if (log.offer(record(0, seq++), DIRECT, resumed::incrementAndGet, NOTHING).parked()) {
                parkedWhileStuck++;
            }
        }
        assertThat(parkedWhileStuck).isGreaterThanOrEqualTo(9_999); // the writer could take at most one
        assertThat(log.parked()).isEqualTo(parkedWhileStuck);

        Thread closer = new Thread(log::close, "closer");
        closer.start();
        await().atMost(5, TimeUnit.SECONDS).until(() -> closer.getState() == Thread.State.WAITING);
        assertThatThrownBy(() -> log.offer(record(1, 0), DIRECT, NOTHING, NOTHING))
                .isInstanceOf(IllegalStateException.class);
        gate.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(closer.isAlive()).isFalse();
        List<String> expected = IntStream.range(0, seq).mapToObj(i -> "p0-" + i).toList();
        assertThat(ids(read(file))).containsExactlyElementsOf(expected);
        assertThat(resumed.get()).isEqualTo(parkedWhileStuck);
        assertThat(parkedBefore).isPositive();
        assertThat(writer.get().getName()).isEqualTo(AuditLog.THREAD_NAME);
        assertThat(writer.get().isDaemon()).isTrue();
    }

    @Test
    void closeIsIdempotentAndFlushAfterCloseCompletes() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        AuditLog log = AuditLog.open(file, 16, clock);
        log.offer(record(0, 0), DIRECT, NOTHING, NOTHING);
        log.close();
        log.close();

        assertThat(log.flush()).succeedsWithin(java.time.Duration.ofSeconds(5));
        assertThatThrownBy(() -> log.offer(record(0, 1), DIRECT, NOTHING, NOTHING))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(read(file)).hasSize(1);
    }

    @Test
    void reopeningOnTheSameDayAppendsToTheExistingFile() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file, 16, clock)) {
            log.offer(record(0, 0), DIRECT, NOTHING, NOTHING);
        }
        Files.setLastModifiedTime(file, FileTime.from(clock.instant())); // written "today" by the clock
        try (AuditLog log = AuditLog.open(file, 16, clock)) {
            log.offer(record(0, 1), DIRECT, NOTHING, NOTHING);
        }
        assertThat(AuditFixtures.filesInOrder(file)).containsExactly(file);
        assertThat(ids(read(file))).containsExactly("p0-0", "p0-1");
    }

    @Test
    void rejectsBadArguments() {
        Path file = dir.resolve("audit.jsonl");
        assertThatThrownBy(() -> AuditLog.open(file, 0, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("capacity: 0 (expected: >= 1)");
        assertThatThrownBy(() -> AuditLog.open(file, 1, 0, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBytes: 0 (expected: >= 1)");
    }

    /** Every producer's records appear exactly once, and each producer's in the order it offered them. */
    static void assertExactlyOnceInProducerOrder(List<String> ids, int producers, int perProducer) {
        assertThat(ids).hasSize(producers * perProducer);
        assertThat(new HashSet<>(ids)).hasSize(producers * perProducer);
        for (int p = 0; p < producers; p++) {
            String prefix = "p" + p + "-";
            List<String> mine = new ArrayList<>();
            for (String id : ids) {
                if (id.startsWith(prefix)) {
                    mine.add(id);
                }
            }
            assertThat(mine).containsExactlyElementsOf(
                    IntStream.range(0, perProducer).mapToObj(i -> prefix + i).toList());
        }
    }

    /** Loads and links the offer path once, so the first timed offers do not pay for class loading. */
    private static void warmUp(AuditLog log) throws Exception {
        log.offer(new AuditRecord(record(0, 0).ts(), "warm-up", AuditRecord.Direction.INGRESS, null, null,
                null, null, "GET", "/", 200, AuditRecord.Decision.ALLOW, null, null, 0, null), DIRECT, NOTHING, NOTHING);
        log.flush().get(5, TimeUnit.SECONDS);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
