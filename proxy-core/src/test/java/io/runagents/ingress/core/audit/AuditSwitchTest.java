package io.runagents.ingress.core.audit;

import static io.runagents.ingress.core.audit.AuditFixtures.DIRECT;
import static io.runagents.ingress.core.audit.AuditFixtures.NOTHING;
import static io.runagents.ingress.core.audit.AuditFixtures.filesInOrder;
import static io.runagents.ingress.core.audit.AuditFixtures.ids;
import static io.runagents.ingress.core.audit.AuditFixtures.read;
import static io.runagents.ingress.core.audit.AuditFixtures.readAll;
import static io.runagents.ingress.core.audit.AuditFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.jwt.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link AuditLog#switchTo}: the live change of {@code audit.file} on a config reload. */
class AuditSwitchTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MutableClock clock = MutableClock.atFixedStart();
    @TempDir
    Path dir;

    @Test
    void linesOfferedBeforeTheSwitchStayInTheOldFileAndLaterOnesGoToTheNew() throws Exception {
        Path first = dir.resolve("audit.jsonl");
        Path second = dir.resolve("reloaded/nested/audit.jsonl");
        try (AuditLog log = AuditLog.open(first, 16, clock)) {
            offerRange(log, 0, 3);
            CompletableFuture<Void> toSecond = log.switchTo(second);
            offerRange(log, 3, 6); // offered before the switch is done: the queue alone puts them after it
            assertThat(toSecond).succeedsWithin(WAIT);
            assertThat(log.path()).isEqualTo(second);

            // Back to the first file, which is appended to. Its mtime is moved to the clock's day, as if
            // written today, so the daily rotation stays out of this test.
            Files.setLastModifiedTime(first, FileTime.from(clock.instant()));
            assertThat(log.switchTo(first)).succeedsWithin(WAIT);
            offerRange(log, 6, 9);
            assertThat(log.path()).isEqualTo(first);
        }
        assertThat(ids(read(first))).containsExactly("p0-0", "p0-1", "p0-2", "p0-6", "p0-7", "p0-8");
        assertThat(ids(read(second))).containsExactly("p0-3", "p0-4", "p0-5");
        assertThat(filesInOrder(first)).containsExactly(first);
    }

    @Test
    void aFileThatCannotBeOpenedFailsTheSwitchAndTheOldFileKeepsEveryLine() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Path notADirectory = Files.writeString(dir.resolve("blocker"), "x", StandardCharsets.UTF_8);
        try (AuditLog log = AuditLog.open(file, 16, clock)) {
            log.offer(record(0, 0), DIRECT, NOTHING, NOTHING);
            CompletableFuture<Void> failed = log.switchTo(notADirectory.resolve("audit.jsonl"));
            log.offer(record(0, 1), DIRECT, NOTHING, NOTHING);

            assertThat(failed).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(IOException.class);
            log.offer(record(0, 2), DIRECT, NOTHING, NOTHING);
            log.flush().get(5, TimeUnit.SECONDS);
            assertThat(log.path()).isEqualTo(file);
            assertThat(ids(read(file))).containsExactly("p0-0", "p0-1", "p0-2");
            log.offer(record(0, 3), DIRECT, NOTHING, NOTHING);
        }
        assertThat(ids(read(file))).containsExactly("p0-0", "p0-1", "p0-2", "p0-3");
        assertThat(notADirectory).hasContent("x");
    }

    @Test
    void switchingToTheCurrentFileChangesNothing() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file, 16, clock)) {
            log.offer(record(0, 0), DIRECT, NOTHING, NOTHING);
            log.flush().get(5, TimeUnit.SECONDS);
            // Reopening would date the file by its mtime (today by the wall clock, years before the test
            // clock's day) and rotate it at the next line; a no-op leaves it alone.
            assertThat(log.switchTo(dir.resolve("elsewhere/../audit.jsonl"))).succeedsWithin(WAIT);
            log.offer(record(0, 1), DIRECT, NOTHING, NOTHING);
        }
        assertThat(filesInOrder(file)).containsExactly(file);
        assertThat(ids(read(file))).containsExactly("p0-0", "p0-1");
        assertThat(dir.resolve("elsewhere")).doesNotExist();
    }

    @Test
    void aSwitchOfferedBeforeCloseHappensAndOneAfterCloseFailsAtOnce() throws Exception {
        Path first = dir.resolve("audit.jsonl");
        Path second = dir.resolve("second/audit.jsonl");
        AuditLog log = AuditLog.open(first, 16, clock);
        log.offer(record(0, 0), DIRECT, NOTHING, NOTHING);
        CompletableFuture<Void> beforeClose = log.switchTo(second);
        log.offer(record(0, 1), DIRECT, NOTHING, NOTHING);
        log.close();

        assertThat(beforeClose).isCompleted().isNotCompletedExceptionally();
        CompletableFuture<Void> afterClose = log.switchTo(dir.resolve("third/audit.jsonl"));
        assertThat(afterClose).isCompletedExceptionally();
        assertThat(afterClose).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(IllegalStateException.class);
        assertThat(ids(read(first))).containsExactly("p0-0");
        assertThat(ids(read(second))).containsExactly("p0-1");
        assertThat(dir.resolve("third")).doesNotExist();
    }

    @Test
    void theNewFileRotatesBySizeAndByDay() throws Exception {
        Path first = dir.resolve("audit.jsonl");
        Path second = dir.resolve("reloaded/audit.jsonl");
        long maxBytes = 1_000;
        try (AuditLog log = AuditLog.open(first, 64, maxBytes, clock)) {
            assertThat(log.switchTo(second)).succeedsWithin(WAIT);
            offerRange(log, 0, 300);
            log.flush().get(5, TimeUnit.SECONDS);
            clock.advance(Duration.ofDays(1));
            offerRange(log, 300, 301);
        }

        assertThat(read(first)).isEmpty();
        List<Path> files = filesInOrder(second);
        assertThat(files).hasSizeGreaterThan(50).startsWith(dir.resolve("reloaded/audit-2030-01-01.jsonl"));
        for (Path f : files) {
            assertThat(Files.size(f)).as(f.toString()).isBetween(1L, maxBytes);
        }
        assertThat(ids(readAll(second))).containsExactlyElementsOf(
                IntStream.rangeClosed(0, 300).mapToObj(i -> "p0-" + i).toList());
        assertThat(ids(read(second))).containsExactly("p0-300"); // the day change started a fresh file
    }

    /**
     * Four producers offer 5,000 records each while another thread switches files four times. Each switch
     * is offered once every producer has offered a further 1,000 records (the producers do not wait for
     * it), and each producer waits for the switch only 500 records later: so switches race with offers,
     * yet every file is sure to receive records. Read in switch order, the files hold every record once,
     * each producer's in order.
     */
    @Test
    @Timeout(30)
    void concurrentOffersAndSwitchesLoseRepeatAndReorderNothing() throws Exception {
        int producers = 4;
        int each = 5_000;
        int round = 1_000;
        int switches = 4;
        List<Path> files = IntStream.rangeClosed(0, switches)
                .mapToObj(k -> dir.resolve("trail-" + k + "/audit.jsonl")).toList();
        Phaser roundOffered = new Phaser(producers);
        List<CountDownLatch> switchOffered = IntStream.rangeClosed(0, switches)
                .mapToObj(k -> new CountDownLatch(1)).toList();
        Producers.Pace pace = (producer, seq) -> {
            if (seq > 0 && seq % round == 0) {
                roundOffered.arrive();
            } else if (seq > round && seq % round == round / 2
                    && !switchOffered.get(seq / round).await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("switch " + seq / round + " never offered");
            }
        };
        List<CompletableFuture<Void>> switched = new CopyOnWriteArrayList<>();

        try (AuditLog log = AuditLog.open(files.get(0), 256, clock)) {
            Thread switcher = new Thread(() -> {
                for (int k = 1; k <= switches; k++) {
                    roundOffered.awaitAdvance(k - 1);
                    switched.add(log.switchTo(files.get(k)));
                    switchOffered.get(k).countDown();
                }
            }, "switcher");
            switcher.setDaemon(true); // if a producer dies, the switcher waits forever: never hold up the JVM
            switcher.start();
            Producers.run(log, producers, each, DIRECT, pace);
            switcher.join();
            assertThat(switched).hasSize(switches);
            assertThat(CompletableFuture.allOf(switched.toArray(CompletableFuture[]::new))).succeedsWithin(WAIT);
            assertThat(log.path()).isEqualTo(files.get(switches));
        }

        List<String> all = new ArrayList<>();
        for (int k = 0; k <= switches; k++) {
            List<String> ids = ids(read(files.get(k)));
            for (int p = 0; p < producers; p++) {
                // Offered after switch k and before every producer could reach switch k + 1.
                assertThat(ids).as("file %d", k).contains("p" + p + "-" + (k * round + round / 2));
            }
            all.addAll(ids);
        }
        AuditLogTest.assertExactlyOnceInProducerOrder(all, producers, each);
    }

    private static void offerRange(AuditLog log, int from, int to) {
        for (int i = from; i < to; i++) {
            log.offer(record(0, i), DIRECT, NOTHING, NOTHING);
        }
    }
}
