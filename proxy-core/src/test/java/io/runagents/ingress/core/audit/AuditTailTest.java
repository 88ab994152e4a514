package io.runagents.ingress.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the latest audit lines backwards, across rotated files, within a byte budget. */
class AuditTailTest {
    @TempDir
    Path dir;

    private static String lines(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "{\"n\":" + i + "}\n").collect(Collectors.joining());
    }

    @Test
    void newestFirstAcrossChunksAndRotatedFilesLeavingOutAnUnfinishedLine() throws Exception {
        Path current = dir.resolve("audit.jsonl");
        // Enough lines to span several 64 KiB chunks; the last one is still being written.
        Files.writeString(current, lines(5001, 12000) + "{\"n\":12001");
        Files.writeString(dir.resolve("audit-2026-01-02.jsonl"), lines(3001, 5000));
        Files.writeString(dir.resolve("audit-2026-01-02.1.jsonl"), lines(4001, 5000).replace("\"n\"", "\"m\""));
        Files.writeString(dir.resolve("audit-2026-01-01.jsonl"), lines(1, 3000));
        Files.writeString(dir.resolve("other-2026-01-03.jsonl"), lines(1, 5));

        assertThat(AuditTail.trail(current)).extracting(p -> p.getFileName().toString()).containsExactly(
                "audit.jsonl", "audit-2026-01-02.1.jsonl", "audit-2026-01-02.jsonl", "audit-2026-01-01.jsonl");
        List<String> latest = AuditTail.latest(current, 3, Long.MAX_VALUE, line -> true);
        assertThat(latest).containsExactly("{\"n\":12000}", "{\"n\":11999}", "{\"n\":11998}");

        List<String> all = AuditTail.latest(current, 100_000, Long.MAX_VALUE, line -> line.startsWith("{\"n\""));
        assertThat(all).hasSize(12000);
        assertThat(all.get(7000)).isEqualTo("{\"n\":5000}"); // the .1 file came between, and was filtered out
        assertThat(all.get(all.size() - 1)).isEqualTo("{\"n\":1}");
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i - 1)).isNotEqualTo(all.get(i));
        }
    }

    @Test
    void theByteBudgetBoundsTheWork() throws Exception {
        Path current = dir.resolve("audit.jsonl");
        Files.writeString(current, lines(1, 10000));
        List<String> some = AuditTail.latest(current, 100_000, 1000, line -> true);
        assertThat(some).isNotEmpty().hasSizeLessThan(1000 / 8);
        assertThat(some.get(0)).isEqualTo("{\"n\":10000}");
        assertThat(AuditTail.latest(dir.resolve("missing.jsonl"), 10, 1000, line -> true)).isEmpty();
        assertThatThrownBy(() -> AuditTail.latest(current, -1, 10, line -> true))
                .hasMessage("limit: -1 (expected: >= 0)");
    }
}
