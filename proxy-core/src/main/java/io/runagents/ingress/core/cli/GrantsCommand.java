package io.runagents.ingress.core.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.HostPort;
import io.runagents.ingress.config.load.YamlConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code runagents grants list|revoke} (SPEC section 2): an operator's view of the per-user OAuth grants of a
 * running proxy (section 8), through {@code GET /admin/grants} and {@code DELETE /admin/grants/<tool>?user=U}.
 * The proxy is {@code --server URL}, else the admin listener named by {@code listen.admin} in the conf
 * directory's {@code proxy.yaml} ({@code --config DIR}, default {@code $RUNAGENTS_CONFIG} or {@code ./conf}).
 * The API never returns a token, so nothing printed here holds one. Exit codes: 0 done, 1 not found / refused /
 * unreachable, 2 usage.
 */
@Command(name = "grants", mixinStandardHelpOptions = true,
        description = "List or revoke the users' OAuth grants of a running proxy.",
        subcommands = {GrantsCommand.ListVerb.class, GrantsCommand.Revoke.class})
final class GrantsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: list or revoke");
    }

    /** What both verbs share: the target proxy, and turning an unreachable or refusing one into exit 1. */
    abstract static class Verb implements Callable<Integer> {
        @Mixin
        ResourceTarget target;
        @Spec
        CommandSpec spec;

        abstract int run(RemoteResources server, PrintWriter out, PrintWriter err) throws IOException;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                RemoteResources server = adminServer(target, err);
                return server == null ? 1 : run(server, out, err);
            } catch (IOException e) {
                err.println("error: " + e.getMessage());
                return 1;
            } finally {
                out.flush();
                err.flush();
            }
        }

        /** A non-empty option value, else a usage error naming the option. */
        String required(String option, String value) {
            if (value != null && value.isEmpty()) {
                throw new ParameterException(spec.commandLine(), option + ": must not be empty");
            }
            return value;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the grants: user, provider, tool, scopes, created, last refreshed, "
                    + "access-token expiry (a table, or -o json|yaml). Never a token.")
    static final class ListVerb extends Verb {
        @Option(names = "--user", paramLabel = "U", description = "only this user's grants (X-End-User-ID)")
        private String user;
        @Option(names = "--tool", paramLabel = "T", description = "only the grants for this tool")
        private String tool;
        @Option(names = "--provider", paramLabel = "P", description = "only the users of this identity provider")
        private String provider;
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml (default: a table)")
        private ResourceCommands.Format output;

        @Override
        int run(RemoteResources server, PrintWriter out, PrintWriter err) throws IOException {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("user", required("--user", user));
            query.put("tool", required("--tool", tool));
            query.put("provider", required("--provider", provider));
            JsonNode body = JSON.readTree(server.expectOk(server.send("GET", "/admin/grants" + query(query), null,
                    false)));
            List<JsonNode> items = new ArrayList<>();
            body.path("items").forEach(items::add);
            if (output == ResourceCommands.Format.json) {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(items));
            } else if (output == ResourceCommands.Format.yaml) {
                // One document per grant, as the resource lists print theirs.
                StringBuilder yaml = new StringBuilder();
                for (JsonNode item : items) {
                    yaml.append(yaml.length() == 0 ? "" : "---\n").append(YAML.writeValueAsString(item));
                }
                out.print(yaml);
            } else if (items.isEmpty()) {
                err.println("No grants found.");
            } else {
                out.print(ResourceTable.render(COLUMNS, items));
            }
            return 0;
        }

        private static final List<ResourceTable.Column> COLUMNS = List.of(
                ResourceTable.text("USER", "/user", "-"),
                ResourceTable.text("PROVIDER", "/provider", "-"),
                ResourceTable.text("TOOL", "/tool", "-"),
                new ResourceTable.Column("SCOPES", n -> scopes(n.path("scopes"))),
                time("CREATED", "created"),
                time("REFRESHED", "refreshed"),
                time("EXPIRES", "expires"));

        private static String scopes(JsonNode array) {
            StringJoiner joined = new StringJoiner(",");
            array.forEach(s -> joined.add(s.asText()));
            return joined.length() == 0 ? "-" : joined.toString();
        }

        /** An instant to the second ({@code 2026-01-02T10:00:00Z}): the table is read by people. */
        private static ResourceTable.Column time(String header, String field) {
            return new ResourceTable.Column(header, n -> {
                JsonNode v = n.path(field);
                if (!v.isTextual()) {
                    return "-";
                }
                try {
                    return Instant.parse(v.asText()).truncatedTo(ChronoUnit.SECONDS).toString();
                } catch (DateTimeParseException e) {
                    return v.asText();
                }
            });
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a user's grant for a tool: upstream (when the tool has a revocationUrl), "
                    + "then deleted, at every identity provider unless --provider names one.")
    static final class Revoke extends Verb {
        @Option(names = "--user", required = true, paramLabel = "U", description = "the user (X-End-User-ID)")
        private String user;
        @Option(names = "--tool", required = true, paramLabel = "T", description = "the tool")
        private String tool;
        @Option(names = "--provider", paramLabel = "P", description = "only the grant of this identity provider")
        private String provider;

        @Override
        int run(RemoteResources server, PrintWriter out, PrintWriter err) throws IOException {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("user", required("--user", user));
            query.put("provider", required("--provider", provider));
            String path = "/admin/grants/" + URLEncoder.encode(required("--tool", tool), StandardCharsets.UTF_8)
                    + query(query);
            HttpResponse<String> r = server.send("DELETE", path, null, false);
            if (r.statusCode() == 404) {
                err.println(description(r));
                return 1;
            }
            if (r.statusCode() == 400) {
                throw new ParameterException(spec.commandLine(), description(r));
            }
            JsonNode items = JSON.readTree(server.expectOk(r)).path("items");
            for (JsonNode item : items) {
                out.printf("grant/%s of %s%s revoked (upstream revocation: %s)%n", item.path("tool").asText(),
                        item.path("user").asText(), items.size() > 1 ? " at " + item.path("provider").asText() : "",
                        item.path("upstreamRevoked").asBoolean() ? "yes" : "no");
            }
            return 0;
        }

        /** The error document's {@code error_description}, else the status and body as they came. */
        private static String description(HttpResponse<String> r) {
            try {
                JsonNode body = JSON.readTree(r.body());
                if (body != null && body.path("error_description").isTextual()) {
                    return body.path("error_description").asText();
                }
            } catch (IOException e) {
                // not JSON: shown as it came
            }
            return "server: " + r.statusCode() + " " + r.body();
        }
    }

    /**
     * The admin API to talk to: {@code --server}, else the admin listener of the conf directory's
     * {@code proxy.yaml} (a wildcard address reached on loopback). Null after printing why there is none: the
     * directory does not load, or its admin port is chosen at start ({@code 0}).
     */
    static RemoteResources adminServer(ResourceTarget target, PrintWriter err) {
        Optional<RemoteResources> server = target.server();
        if (server.isPresent()) {
            return server.get();
        }
        ConfigSnapshot snapshot = target.config().load(err);
        String where = target.config().dir().resolve(YamlConfigLoader.PROXY_FILE) + ": listen.admin";
        if (snapshot == null) {
            err.println("cannot read the admin address from " + where + "; name the proxy with --server URL");
            return null;
        }
        HostPort admin = snapshot.proxy().listen().admin();
        if (admin.port() == 0) {
            err.println(where + " has port 0 (chosen at start); name the proxy with --server URL");
            return null;
        }
        String host = switch (admin.host()) {
            case "0.0.0.0", "" -> "127.0.0.1";
            case "::", "::0" -> "::1";
            default -> admin.host();
        };
        return new RemoteResources("http://" + new HostPort(host, admin.port()),
                System.getenv("RUNAGENTS_ADMIN_TOKEN"));
    }

    /** {@code ?a=1&b=2} of the non-null values; empty when there are none. */
    private static String query(Map<String, String> parameters) {
        StringJoiner q = new StringJoiner("&", "?", "");
        q.setEmptyValue("");
        parameters.forEach((name, value) -> {
            if (value != null) {
                q.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return q.toString();
    }
}
