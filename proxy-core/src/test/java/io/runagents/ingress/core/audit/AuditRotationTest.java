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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditRotationTest {
    @TempDir
    Path dir;

    @Test
    void sizeRotationKeepsEveryLineOnceAndNeverOverwritesAnOlderFile() throws Exception {
        MutableClock clock = MutableClock.atFixedStart();
        Path file = dir.resolve("audit.jsonl");
        // A file an earlier run rotated today already holds the first free name.
        Path earlier = dir.resolve("audit-2030-01-01.jsonl");
        Files.writeString(earlier, "{\"request_id\":\"earlier\"}\n", StandardCharsets.UTF_8);
        long maxBytes = 1_000;

        try (AuditLog log = AuditLog.open(file, 64, maxBytes, clock)) {
            for (int i = 0; i < 300; i++) {
                log.offer(record(0, i), DIRECT, NOTHING, NOTHING);
            }
        }

        List<Path> files = filesInOrder(file);
        assertThat(files).hasSizeGreaterThan(50).startsWith(earlier, dir.resolve("audit-2030-01-01.1.jsonl"));
        for (Path f : files) {
            assertThat(Files.size(f)).as(f.toString()).isBetween(1L, maxBytes);
        }
        List<String> expected = new ArrayList<>(List.of("earlier"));
        IntStream.range(0, 300).mapToObj(i -> "p0-" + i).forEach(expected::add);
        assertThat(ids(readAll(file))).containsExactlyElementsOf(expected);
    }

    @Test
    void dailyRotationAtUtcMidnightNamesEachFileAfterItsDay() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T23:59:59Z"));
        Path file = dir.resolve("audit.jsonl");

        try (AuditLog log = AuditLog.open(file, 64, clock)) {
            offerRange(log, 0, 50);
            log.flush().get(5, TimeUnit.SECONDS);
            clock.advance(Duration.ofSeconds(1)); // 2030-01-02T00:00:00Z
            offerRange(log, 50, 100);
            log.flush().get(5, TimeUnit.SECONDS);
            clock.advance(Duration.ofDays(1));
            offerRange(log, 100, 150);
        }

        assertThat(filesInOrder(file)).containsExactly(dir.resolve("audit-2030-01-01.jsonl"),
                dir.resolve("audit-2030-01-02.jsonl"), file);
        assertThat(ids(read(dir.resolve("audit-2030-01-01.jsonl")))).hasSize(50).startsWith("p0-0").endsWith("p0-49");
        assertThat(ids(read(dir.resolve("audit-2030-01-02.jsonl")))).hasSize(50).startsWith("p0-50");
        assertThat(ids(read(file))).hasSize(50).startsWith("p0-100");
    }

    @Test
    void aFileLeftByAnEarlierDayIsRotatedUnderThatDayOnRestart() throws Exception {
        MutableClock clock = MutableClock.atFixedStart();
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file, 64, clock)) {
            offerRange(log, 0, 2);
        }
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2029-12-31T18:00:00Z")));

        try (AuditLog log = AuditLog.open(file, 64, clock)) {
            offerRange(log, 2, 3);
        }

        assertThat(ids(read(dir.resolve("audit-2029-12-31.jsonl")))).containsExactly("p0-0", "p0-1");
        assertThat(ids(read(file))).containsExactly("p0-2");
    }

    @Test
    void rotationWhileProducersRunAndDaysPassLosesAndRepeatsNothing() throws Exception {
        MutableClock clock = MutableClock.atFixedStart();
        Path file = dir.resolve("audit.jsonl");

        try (AuditLog log = AuditLog.open(file, 16, 20_000, clock)) {
            Thread days = new Thread(() -> {
                for (int i = 0; i < 20; i++) {
                    clock.advance(Duration.ofHours(6));
                    log.flush().join(); // spreads the day changes over the run
                }
            });
            days.start();
            Producers.run(log, 4, 2_000, DIRECT);
            days.join();
        }

        List<Path> files = filesInOrder(file);
        assertThat(files.size()).isGreaterThan(5); // which of them a day change cut depends on timing
        AuditLogTest.assertExactlyOnceInProducerOrder(ids(readAll(file)), 4, 2_000);
    }

    private static void offerRange(AuditLog log, int from, int to) {
        for (int i = from; i < to; i++) {
            log.offer(record(0, i), DIRECT, NOTHING, NOTHING);
        }
    }
}
