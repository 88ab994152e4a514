package io.runagents.ingress.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Records with recognisable ids, and the reading back of an audit file and its rotated siblings. */
final class AuditFixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    /** A caller's executor that runs callbacks inline and whose time never moves: parked records never time out. */
    static final ManualScheduler DIRECT = new ManualScheduler();
    static final Runnable NOTHING = () -> { };
    static final Pattern ROTATED = Pattern.compile("audit-(\\d{4}-\\d{2}-\\d{2})(?:\\.(\\d+))?\\.jsonl");

    private AuditFixtures() { }

    /** The {@code seq}th record of producer {@code producer}; its request id is {@code p<producer>-<seq>}. */
    static AuditRecord record(int producer, int seq) {
        return new AuditRecord(Instant.parse("2030-01-01T10:00:00.123Z"), "p" + producer + "-" + seq,
                AuditRecord.Direction.EGRESS, "user" + producer, "okta", "support-agent", "github",
                "GET", "/repos/" + seq, 200, AuditRecord.Decision.ALLOW, null, "github-engineering-only#0", 7, null);
    }

    /** The rotated files of {@code active} in the order they were written, then {@code active} itself. */
    static List<Path> filesInOrder(Path active) {
        try (Stream<Path> files = Files.list(active.getParent())) {
            List<Path> rotated = new ArrayList<>(files.filter(p -> ROTATED.matcher(name(p)).matches()).toList());
            rotated.sort(Comparator.comparing((Path p) -> group(p, 1)).thenComparingInt(p -> {
                String n = group(p, 2);
                return n == null ? 0 : Integer.parseInt(n);
            }));
            if (Files.exists(active)) {
                rotated.add(active);
            }
            return rotated;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every line of the file and its rotated siblings, in written order, each parsed as JSON. */
    static List<JsonNode> readAll(Path active) {
        List<JsonNode> lines = new ArrayList<>();
        for (Path file : filesInOrder(active)) {
            lines.addAll(read(file));
        }
        return lines;
    }

    /** The lines of one file, each parsed on its own (a split or merged line fails here). */
    static List<JsonNode> read(Path file) {
        try {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lines.add(JSON.readTree(line));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request ids of {@code lines}, in order. */
    static List<String> ids(List<JsonNode> lines) {
        return lines.stream().map(l -> l.get("request_id").asText()).toList();
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    private static String group(Path p, int group) {
        Matcher m = ROTATED.matcher(name(p));
        if (!m.matches()) {
            throw new IllegalArgumentException(name(p));
        }
        return m.group(group);
    }
}
