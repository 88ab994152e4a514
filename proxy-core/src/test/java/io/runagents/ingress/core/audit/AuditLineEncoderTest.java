package io.runagents.ingress.core.audit;

import static io.runagents.ingress.core.audit.AuditFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.runagents.ingress.core.audit.AuditRecord.Decision;
import io.runagents.ingress.core.audit.AuditRecord.Direction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditLineEncoderTest {
    private final AuditLineEncoder encoder = new AuditLineEncoder();

    @Test
    void writesExactlyTheSpecFieldsInOrderWithNullsAsJsonNull() throws Exception {
        AuditRecord denied = new AuditRecord(Instant.parse("2030-01-02T03:04:05Z"), "req-1", Direction.INGRESS,
                null, null, "support-agent", null, "POST", "/chat", 401, Decision.DENY, "expired", null, 3, null);

        String line = encode(denied);

        assertThat(line).endsWith("}\n").doesNotContain("\n}").hasLineCount(1);
        JsonNode json = JSON.readTree(line);
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("ts", "request_id", "direction", "user", "provider", "agent", "tool",
                "method", "path", "status", "decision", "reason", "rule", "duration_ms", "context_id");
        assertThat(json.get("ts").asText()).isEqualTo("2030-01-02T03:04:05.000Z");
        assertThat(json.get("direction").asText()).isEqualTo("ingress");
        assertThat(json.get("decision").asText()).isEqualTo("deny");
        assertThat(json.get("reason").asText()).isEqualTo("expired");
        assertThat(json.get("status").isInt()).isTrue();
        assertThat(json.get("duration_ms").asLong()).isEqualTo(3);
        for (String absent : List.of("user", "provider", "tool", "rule", "context_id")) {
            assertThat(json.get(absent).isNull()).as(absent).isTrue();
        }
    }

    @Test
    void allowedEgressLineNamesTheRule() throws Exception {
        JsonNode json = JSON.readTree(encode(AuditFixtures.record(1, 2)));

        assertThat(json.get("direction").asText()).isEqualTo("egress");
        assertThat(json.get("decision").asText()).isEqualTo("allow");
        assertThat(json.get("rule").asText()).isEqualTo("github-engineering-only#0");
        assertThat(json.get("ts").asText()).isEqualTo("2030-01-01T10:00:00.123Z");
    }

    @Test
    void escapesQuotesNewlinesControlCharactersAndKeepsUnicode() throws Exception {
        String user = "ann\"o'\\\n\r\t\u0000\u2028\u0085é漢字😀";
        String path = "/a b/\"x\"\n{\"forged\":true}";
        AuditRecord tricky = new AuditRecord(Instant.EPOCH, "r", Direction.EGRESS, user, "p", "a", "t",
                "GET", path, 200, Decision.ALLOW, null, null, 0, null);

        String line = encode(tricky);

        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        JsonNode json = JSON.readTree(line);
        assertThat(json.get("user").asText()).isEqualTo(user);
        assertThat(json.get("path").asText()).isEqualTo(path);
        assertThat(json.has("forged")).isFalse();
        assertThat(line).contains("é漢字😀"); // written as UTF-8, not \\u escapes
        assertThat(line).contains("\\u2028", "\\u0085").doesNotContain("\u2028", "\u0085"); // line breaks to some readers
    }

    @Test
    void reusesItsBufferWithoutLeakingThePreviousLine() throws Exception {
        encode(new AuditRecord(Instant.EPOCH, "a-much-longer-request-id-than-the-next", Direction.EGRESS,
                "u", "p", "a", "t", "GET", "/x".repeat(100), 200, Decision.ALLOW, null, null, 0, null));
        String second = encode(AuditFixtures.record(0, 0));

        assertThat(JSON.readTree(second).get("request_id").asText()).isEqualTo("p0-0");
        assertThat(second).hasLineCount(1);
    }

    @Test
    void everyLineOfALongRunIsOneObjectFromItsFirstByte() throws Exception {
        // One generator writes every line: nothing of the previous value (no root separator) may lead a line.
        for (int i = 0; i < 1000; i++) {
            String line = encode(AuditFixtures.record(i % 7, i));
            assertThat(line).startsWith("{\"ts\":").endsWith("}\n").hasLineCount(1);
            assertThat(JSON.readTree(line).get("request_id").asText()).isEqualTo("p" + (i % 7) + "-" + i);
        }
    }

    @Test
    void recordRejectsMissingRequiredFields() {
        assertThatThrownBy(() -> new AuditRecord(Instant.EPOCH, null, Direction.EGRESS, null, null, null, null,
                "GET", "/", 200, Decision.ALLOW, null, null, 0, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("requestId");
        assertThatThrownBy(() -> new AuditRecord(Instant.EPOCH, "r", Direction.EGRESS, null, null, null, null,
                "GET", "/", 200, Decision.ALLOW, null, null, -1, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("durationMs: -1 (expected: >= 0)");
    }

    private String encode(AuditRecord r) {
        AuditLineEncoder.Buffer b = encoder.encode(r);
        return new String(b.array(), 0, b.size(), StandardCharsets.UTF_8);
    }
}
