package io.runagents.ingress.core.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.runagents.ingress.config.load.ResourceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code list} table, kubectl style: upper-case headers, columns padded to their widest cell. Cells are
 * read from the SPEC-shaped JSON tree, where fields at their default are absent, so each column knows its
 * default.
 */
final class ResourceTable {
    /** One column: its header and how a row's cell is read from the item. */
    record Column(String header, Function<JsonNode, String> cell) { }

    private ResourceTable() { }

    static String render(ResourceKind kind, List<? extends JsonNode> items) {
        return render(columns(kind), items);
    }

    /** The table of {@code items} in {@code columns}, for listings other than the resources (such as grants). */
    static String render(List<Column> columns, List<? extends JsonNode> items) {
        List<String[]> rows = new ArrayList<>();
        rows.add(columns.stream().map(Column::header).toArray(String[]::new));
        for (JsonNode item : items) {
            rows.add(columns.stream().map(c -> c.cell().apply(item)).toArray(String[]::new));
        }
        int[] widths = new int[columns.size()];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 3) + "s", row[i]));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static List<Column> columns(ResourceKind kind) {
        Column name = new Column("NAME", n -> n.path("name").asText());
        return switch (kind) {
            case IDENTITY_PROVIDERS -> List.of(name,
                    text("HOST", "/spec/host", "-"),
                    text("ISSUER", "/spec/identityProvider/issuer", "-"),
                    text("USER-ID-CLAIM", "/spec/userIDClaim", "-"),
                    text("STATUS", "/status", "-"));
            case AGENTS -> List.of(name,
                    text("HOST", "/spec/host", "*"),
                    text("PATH", "/spec/pathPrefix", "/"),
                    new Column("UPSTREAMS", n -> n.at("/spec/upstream").isMissingNode()
                            ? join(n.at("/spec/upstreams")) : n.at("/spec/upstream").asText()),
                    text("ACCESS", "/spec/access", "authenticated"),
                    text("IDENTITY-PROVIDER", "/spec/identityProvider", "-"));
            case TOOLS -> List.of(name,
                    text("BASE-URL", "/spec/baseUrl", "-"),
                    text("AUTH", "/spec/auth/type", "none"));
            case POLICIES -> List.of(name,
                    new Column("TARGET", n -> n.at("/spec/target/tool").isMissingNode()
                            ? "agent/" + n.at("/spec/target/agent").asText() : "tool/" + n.at("/spec/target/tool").asText()),
                    new Column("RULES", n -> String.valueOf(n.at("/spec/rules").size())));
        };
    }

    static Column text(String header, String pointer, String absent) {
        return new Column(header, n -> {
            JsonNode v = n.at(pointer);
            return v.isMissingNode() || v.isNull() ? absent : v.asText();
        });
    }

    private static String join(JsonNode array) {
        List<String> parts = new ArrayList<>();
        array.forEach(v -> parts.add(v.asText()));
        return String.join(",", parts);
    }
}
