package io.runagents.ingress.tokenstore.crypto;

import io.runagents.ingress.tokenstore.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class KeyFileTest {

    @TempDir
    Path dataDir;

    @Test
    void generatesAnOwnerOnlyKeyAndReusesIt() throws Exception {
        Path nested = dataDir.resolve("not-yet");
        Secret first = KeyFile.loadOrCreate(nested);
        Path file = KeyFile.of(nested);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(KeyRing.parse(first).writeKeyId()).isEqualTo(KeyFile.GENERATED_KEY_ID);
        assertThat(KeyFile.loadOrCreate(nested)).isEqualTo(first);
        try (var files = Files.list(nested)) {
            assertThat(files).containsExactly(file); // no temporary file left
        }
    }

    @Test
    void concurrentStartersGetOneKey() throws Exception {
        int n = 8;
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            Callable<Secret> load = () -> {
                start.await();
                return KeyFile.loadOrCreate(dataDir);
            };
            List<Future<Secret>> results = pool.invokeAll(Collections.nCopies(n, load));
            Secret first = results.get(0).get();
            for (Future<Secret> f : results) {
                assertThat(f.get()).isEqualTo(first);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
