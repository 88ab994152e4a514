package io.runagents.ingress.core.audit;

import static io.runagents.ingress.core.audit.AuditFixtures.NOTHING;
import static io.runagents.ingress.core.audit.AuditFixtures.ids;
import static io.runagents.ingress.core.audit.AuditFixtures.read;
import static io.runagents.ingress.core.audit.AuditFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.jwt.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail on a disk that fills up and frees again (issue 17): callers wait for room at most
 * {@code maxWait} and are then told to refuse, nothing accepted is lost or written twice, a cut line is
 * completed, the health and the counters say what happens. Time moves by hand ({@link ManualScheduler},
 * {@link MutableClock}); the writer retries every few milliseconds instead of every second.
 */
class AuditDiskFullTest {
    private static final Duration RETRY = Duration.ofMillis(5);
    private static final Duration MAX_WAIT = Duration.ofMillis(2000);

    private final MutableClock clock = MutableClock.atFixedStart();
    private final ManualScheduler loop = new ManualScheduler();
    private final LimitedDisk disk = new LimitedDisk();
    /** seq -> "accepted" or "timed out", as the callbacks said. */
    private final Map<Integer, String> outcomes = new ConcurrentHashMap<>();
    @TempDir
    Path dir;

    private AuditLog open(Path file, int capacity) throws Exception {
        AuditLog log = AuditLog.open(disk.open(file, clock), capacity, clock, RETRY);
        log.maxWait(MAX_WAIT);
        return log;
    }

    private AuditTicket offer(AuditLog log, int seq) {
        return offer(log, record(0, seq), seq);
    }

    private AuditTicket offer(AuditLog log, AuditRecord record, int seq) {
        return log.offer(record, loop, () -> outcomes.put(seq, "accepted"), () -> outcomes.put(seq, "timed out"));
    }

    /** Fills the disk, lets the writer take record 0 and fail, then fills the queue with 1..capacity. */
    private void stallWithAFullQueue(AuditLog log, int capacity) {
        disk.spaceLeft(0);
        assertThat(offer(log, 0).parked()).isFalse();
        await().until(() -> !log.health().ok()); // the writer holds record 0 and retries
        for (int seq = 1; seq <= capacity; seq++) {
            assertThat(offer(log, seq).parked()).as("offer %d", seq).isFalse();
        }
        assertThat(log.queued()).isEqualTo(capacity);
    }

    @Test
    void parkedOffersTimeOutAfterMaxWaitAndOnlyTheirLinesAreMissing() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = open(file, 4)) {
            stallWithAFullQueue(log, 4);
            assertThat(offer(log, 5).parked()).isTrue();
            assertThat(offer(log, 6).parked()).isTrue();
            assertThat(log.parked()).isEqualTo(2);
            assertThat(loop.pendingDelays()).containsExactly(MAX_WAIT, MAX_WAIT);

            loop.advance(MAX_WAIT.minusMillis(1));
            assertThat(outcomes).isEmpty();
            loop.advance(Duration.ofMillis(1));
            assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(Map.of(5, "timed out", 6, "timed out"));
            assertThat(log.timedOut()).isEqualTo(2);
            assertThat(log.parked()).isZero();

            log.maxWait(Duration.ofMillis(300)); // a reload: later offers wait this long
            assertThat(offer(log, 7).parked()).isTrue(); // the queue is still full
            assertThat(loop.pendingDelays()).containsExactly(Duration.ofMillis(300));
            CompletableFuture<Void> flushed = log.flush(); // waits behind record 7

            disk.free();
            await().until(() -> "accepted".equals(outcomes.get(7)));
            assertThat(flushed).succeedsWithin(Duration.ofSeconds(5));
            assertThat(loop.pendingDelays()).as("the accepted record's time-out is cancelled").isEmpty();
            loop.advance(Duration.ofSeconds(10));
            assertThat(outcomes).hasSize(3).containsEntry(7, "accepted");
            assertThat(log.health().ok()).isTrue();
        }
        assertThat(ids(read(file))).containsExactly("p0-0", "p0-1", "p0-2", "p0-3", "p0-4", "p0-7");
    }

    @Test
    void aLineCutByTheFullDiskIsCompletedAndEveryAcceptedLineWrittenOnce() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        int lineBytes = new AuditLineEncoder().encode(record(0, 0)).size();
        disk.spaceLeft(lineBytes / 2);
        try (AuditLog log = open(file, 64)) {
            offer(log, 0);
            await().until(() -> !log.health().ok());
            assertThat(Files.size(file)).as("half of the first line is on disk").isEqualTo(lineBytes / 2);
            for (int seq = 1; seq < 50; seq++) {
                assertThat(offer(log, seq).parked()).isFalse();
            }
            long failuresBefore = log.writeFailures();
            await().until(() -> log.writeFailures() > failuresBefore + 2); // it keeps retrying, in place
            disk.free();
            await().until(() -> log.health().ok());
            log.flush().get();
            assertThat(log.written()).isEqualTo(50);
        }
        String raw = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(raw).endsWith("\n");
        assertThat(ids(read(file))).containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> "p0-" + i).toList());
        assertThat(disk.refusedWrites()).isPositive();
    }

    @Test
    void aRecordReplacedWhileItWaitsIsWrittenAsReplaced() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = open(file, 2)) {
            disk.spaceLeft(0);
            AuditTicket taken = offer(log, 0);
            await().until(() -> !log.health().ok()); // the writer holds record 0
            AuditTicket queued = offer(log, 1);
            offer(log, 2);
            AuditTicket parked = offer(log, 3);
            assertThat(parked.parked()).isTrue();
            log.maxWait(Duration.ZERO); // no room: refused at once
            AuditTicket refused = offer(log, 4);
            loop.advance(Duration.ZERO);
            assertThat(outcomes).containsExactlyEntriesOf(Map.of(4, "timed out"));

            // The clients of records 3 and 1 left while their lines waited.
            assertThat(parked.replace(record(0, 3).withStatus(499, "client_closed"))).isTrue();
            assertThat(queued.replace(record(0, 1).withStatus(499, "client_closed"))).isTrue();
            assertThat(taken.replace(record(0, 0).withStatus(499, "client_closed")))
                    .as("the writer took record 0 already").isFalse();
            assertThat(refused.replace(record(0, 4).withStatus(499, "client_closed"))).as("timed out").isFalse();

            disk.free();
            await().until(() -> "accepted".equals(outcomes.get(3)));
            log.flush().get();
            assertThat(parked.replace(record(0, 3))).as("written").isFalse();
        }
        List<JsonNode> lines = read(file);
        assertThat(ids(lines)).containsExactly("p0-0", "p0-1", "p0-2", "p0-3");
        assertThat(lines).extracting(l -> l.get("status").asInt() + " " + l.get("decision").asText() + " "
                + l.get("reason").asText()).containsExactly("200 allow null", "499 allow client_closed",
                "200 allow null", "499 allow client_closed");
    }

    @Test
    void healthSaysSinceWhenAndWhyUntilAWriteSucceedsAndTheMetricsCountIt() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = open(file, 2); ProxyMetrics metrics = new ProxyMetrics()) {
            metrics.bindAudit(log);
            assertThat(log.health()).isEqualTo(AuditHealth.OK);
            assertThat(log.health().describe()).isEqualTo("ok");

            stallWithAFullQueue(log, 2);
            AuditHealth failing = log.health();
            assertThat(failing.ok()).isFalse();
            assertThat(failing.file()).isEqualTo(file.toAbsolutePath());
            assertThat(failing.error()).isEqualTo(LimitedDisk.ENOSPC);
            assertThat(failing.failingSince()).isEqualTo(clock.instant());
            assertThat(failing.describe()).isEqualTo("cannot write " + file.toAbsolutePath()
                    + " since 2030-01-01T00:00:00Z: No space left on device");
            clock.advance(Duration.ofMinutes(1));
            long failures = log.writeFailures();
            await().until(() -> log.writeFailures() >= failures + 3);
            assertThat(log.health().failingSince()).as("one episode").isEqualTo(failing.failingSince());

            offer(log, 3);
            loop.advance(MAX_WAIT);
            assertThat(metrics.scrape()).contains("runagents_audit_unavailable_total 1.0", "runagents_audit_queued 2.0",
                    "runagents_audit_parked 0.0", "runagents_audit_write_failures_total ");
            assertThat(writeFailuresMetric(metrics.scrape())).isPositive().isLessThanOrEqualTo(log.writeFailures());

            disk.free();
            await().until(() -> log.health().ok());
            log.flush().get();
            assertThat(log.health()).isEqualTo(AuditHealth.OK);
            assertThat(metrics.scrape())
                    .contains("runagents_audit_lines_written_total 3.0", "runagents_audit_queued 0.0");
        }
    }

    @Test
    void rejectsANegativeMaxWait() throws Exception {
        try (AuditLog log = open(dir.resolve("audit.jsonl"), 2)) {
            assertThat(log.maxWait()).isEqualTo(MAX_WAIT);
            assertThatThrownBy(() -> log.maxWait(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxWait: PT-0.001S (expected: >= 0)");
        }
    }

    private static double writeFailuresMetric(String scrape) {
        return scrape.lines().filter(l -> l.startsWith("runagents_audit_write_failures_total "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
    }
}
