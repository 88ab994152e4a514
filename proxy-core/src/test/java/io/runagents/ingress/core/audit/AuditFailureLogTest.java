package io.runagents.ingress.core.audit;

import static io.runagents.ingress.core.audit.AuditFixtures.DIRECT;
import static io.runagents.ingress.core.audit.AuditFixtures.NOTHING;
import static io.runagents.ingress.core.audit.AuditFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.runagents.ingress.jwt.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What the audit writer logs while the disk is full: one ERROR per episode with the operating system's
 * reason and no stack trace, a WARN reminder at most every 30 s by the clock however often it retries,
 * one INFO when writes succeed again.
 */
class AuditFailureLogTest {
    private final MutableClock clock = MutableClock.atFixedStart();
    private final LimitedDisk disk = new LimitedDisk();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(AuditLog.class);
    @TempDir
    Path dir;

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    @Test
    void oneErrorPerEpisodeAReminderEvery30SecondsAndOneInfoOnRecovery() throws Exception {
        Path file = dir.resolve("audit.jsonl").toAbsolutePath();
        try (AuditLog log = AuditLog.open(disk.open(file, clock), 16, clock, Duration.ofMillis(2))) {
            disk.spaceLeft(0);
            log.offer(record(0, 0), DIRECT, NOTHING, NOTHING);
            log.offer(record(0, 1), DIRECT, NOTHING, NOTHING);
            retries(log, 5);
            assertThat(events(Level.ERROR)).singleElement().satisfies(e -> {
                assertThat(e.getFormattedMessage()).startsWith("audit: ")
                        .contains(file.toString(), ": No space left on device;");
                assertThat(e.getThrowableProxy()).as("no stack trace").isNull();
            });
            assertThat(events(Level.WARN)).isEmpty();

            clock.advance(Duration.ofSeconds(29));
            retries(log, 5);
            assertThat(events(Level.WARN)).isEmpty();
            clock.advance(Duration.ofSeconds(1));
            await().until(() -> events(Level.WARN).size() == 1);
            retries(log, 5);
            assertThat(events(Level.WARN)).singleElement().satisfies(e -> {
                assertThat(e.getFormattedMessage()).isEqualTo("audit: " + file + " still cannot be written since "
                        + "2030-01-01T00:00:00Z (No space left on device): 2 lines waiting, 0 requests waiting for "
                        + "room, 0 refused so far");
                assertThat(e.getThrowableProxy()).isNull();
            });
            clock.advance(Duration.ofSeconds(30));
            await().until(() -> events(Level.WARN).size() == 2);

            disk.free();
            await().until(() -> events(Level.INFO).size() == 1);
            assertThat(events(Level.INFO).get(0).getFormattedMessage()).startsWith("audit: " + file
                    + " is written again after 60 s (");
            assertThat(events(Level.ERROR)).hasSize(1);

            // A second episode is announced again.
            log.flush().get();
            disk.spaceLeft(0);
            log.offer(record(0, 2), DIRECT, NOTHING, NOTHING);
            await().until(() -> events(Level.ERROR).size() == 2);
            disk.free();
            await().until(() -> events(Level.INFO).size() == 2);
        }
        assertThat(events(Level.WARN)).hasSize(2);
    }

    /** Waits until the writer has failed {@code count} more times. */
    private static void retries(AuditLog log, int count) {
        long before = log.writeFailures();
        await().until(() -> log.writeFailures() >= before + count);
    }

    private List<ILoggingEvent> events(Level level) {
        synchronized (appender) { // the writer thread appends under this lock
            return new ArrayList<>(appender.list).stream().filter(e -> e.getLevel() == level).toList();
        }
    }
}
