package io.runagents.ingress.core.audit;

import static io.runagents.ingress.core.audit.AuditFixtures.ids;
import static io.runagents.ingress.core.audit.AuditFixtures.read;
import static io.runagents.ingress.core.audit.AuditFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail on a real filesystem that fills up: a 256 KiB tmpfs the test mounts (skipped where
 * mounting is not permitted, as in most CI containers). The writer hits {@code ENOSPC} for real, the
 * kernel cuts the last write short, callers park, and once space is freed every offered line is in the
 * file exactly once, in order, each whole.
 */
class AuditTmpfsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void aFullFilesystemStallsTheTrailWhichRecoversWithEveryLineOnceWhenSpaceIsFreed() throws Exception {
        Path mount = Files.createDirectory(dir.resolve("small"));
        mountTmpfs(mount);
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "fake-loop"));
        try {
            Path filler = Files.write(mount.resolve("filler"), new byte[192 * 1024]);
            Path file = mount.resolve("audit.jsonl");
            int offered = 0;
            CompletableFuture<String> stuck;
            try (AuditLog log = AuditLog.open(file, 64, Clock.systemUTC())) {
                log.maxWait(Duration.ofMinutes(2));
                while (true) {
                    assertThat(offered).as("the disk must fill at some point").isLessThan(100_000);
                    CompletableFuture<String> outcome = new CompletableFuture<>();
                    AuditTicket ticket = log.offer(record(0, offered++), loop, () -> outcome.complete("accepted"),
                            () -> outcome.complete("timed out"));
                    if (ticket.parked()) {
                        // Behind a writer that is only slow, it gets room; behind a full disk, it waits.
                        await().atMost(WAIT).until(() -> outcome.isDone() || !log.health().ok());
                        if (!outcome.isDone()) {
                            stuck = outcome;
                            break;
                        }
                        assertThat(outcome.get()).isEqualTo("accepted");
                    }
                }
                assertThat(log.health().error()).isEqualTo("No space left on device");
                assertThat(log.health().file()).isEqualTo(file.toAbsolutePath());

                Files.delete(filler);
                assertThat(stuck).succeedsWithin(WAIT).isEqualTo("accepted");
                await().atMost(WAIT).until(() -> log.health().ok());
                log.flush().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            assertThat(Files.readString(file, StandardCharsets.UTF_8)).endsWith("\n");
            assertThat(ids(read(file))).containsExactlyElementsOf(
                    IntStream.range(0, offered).mapToObj(i -> "p0-" + i).toList());
        } finally {
            loop.shutdownNow();
            run("umount", mount.toString());
        }
    }

    /** Mounts a 256 KiB tmpfs on {@code mount}, or skips the test saying why it cannot. */
    private static void mountTmpfs(Path mount) throws InterruptedException {
        String failure;
        try {
            failure = run("mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", mount.toString());
        } catch (IOException e) {
            failure = e.getMessage(); // no mount command
        }
        String why = failure;
        Assumptions.assumeTrue(why == null, () -> "cannot mount a tmpfs here (needs root): " + why);
    }

    /** Runs a command; null when it succeeded, else what it printed. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return process.waitFor() == 0 ? null : output;
    }
}
