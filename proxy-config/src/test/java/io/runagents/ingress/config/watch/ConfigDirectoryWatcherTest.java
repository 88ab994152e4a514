package io.runagents.ingress.config.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files, real WatchService; waits with Awaitility, never a bare sleep. */
class ConfigDirectoryWatcherTest {
    @TempDir
    Path tmp;
    final AtomicInteger changes = new AtomicInteger();
    ConfigDirectoryWatcher watcher;

    @AfterEach
    void tearDown() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private void watch(Path root, Duration rescan) throws Exception {
        watcher = ConfigDirectoryWatcher.start(root, Duration.ofMillis(100), rescan, changes::incrementAndGet);
    }

    @Test
    void folderCreatedAfterStartIsWatchedToo() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        watch(conf, Duration.ofMinutes(5));
        Files.createDirectories(conf.resolve("agents"));
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() >= 1);

        int before = changes.get();
        Files.writeString(conf.resolve("agents/a.yaml"), "name: a\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() > before);
    }

    @Test
    void aBurstOfWritesGivesOneCall() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Files.createDirectories(conf.resolve("agents"));
        watch(conf, Duration.ofMinutes(5));
        for (int i = 0; i < 10; i++) {
            Files.writeString(conf.resolve("agents/a" + i + ".yaml"), "name: a" + i + "\n");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() >= 1);
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> changes.get() == 1);
    }

    @Test
    void atomicRenameOverAFileTriggers() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Files.createDirectories(conf.resolve("agents"));
        Files.writeString(conf.resolve("agents/a.yaml"), "name: a\n");
        watch(conf, Duration.ofMinutes(5));
        Path temp = Files.writeString(conf.resolve("agents/.a.yaml.tmp"), "name: b\n");
        Files.move(temp, conf.resolve("agents/a.yaml"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() >= 1);
    }

    @Test
    void kubernetesDataSymlinkSwapTriggers() throws Exception {
        Path conf = KubernetesMount.create(tmp.resolve("conf"), "..2025_01", "name: a\n");
        watch(conf, Duration.ofMinutes(5));
        KubernetesMount.swap(conf, "..2025_01", "..2025_02", "name: b\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() >= 1);
    }

    @Test
    void rescanFindsChangesWithoutEvents() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        DirectoryFingerprint empty = DirectoryFingerprint.of(conf);
        Files.createDirectories(conf.resolve("agents"));
        Files.writeString(conf.resolve("agents/a.yaml"), "name: a\n");
        DirectoryFingerprint one = DirectoryFingerprint.of(conf);
        assertThat(one).isNotEqualTo(empty).isEqualTo(DirectoryFingerprint.of(conf));
        Files.writeString(conf.resolve("agents/.hidden.tmp"), "x");
        assertThat(DirectoryFingerprint.of(conf)).isEqualTo(one);

        Path k8s = KubernetesMount.create(tmp.resolve("k8s"), "..v1", "name: a\n");
        DirectoryFingerprint before = DirectoryFingerprint.of(k8s);
        // Same size, and the new file's time set to the old one's: only the file identity differs.
        KubernetesMount.swap(k8s, "..v1", "..v2", "name: b\n");
        assertThat(DirectoryFingerprint.of(k8s)).isNotEqualTo(before);
    }
}
