package io.runagents.ingress.core.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runagents.ingress.config.edit.ResourceFiles;
import io.runagents.ingress.config.load.ConfigError;
import io.runagents.ingress.config.load.DocumentsLoadResult;
import io.runagents.ingress.config.load.ResourceKind;
import io.runagents.ingress.config.load.ResourceYamlWriter;
import io.runagents.ingress.config.load.YamlConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The resource commands through a running proxy's admin API ({@code --server URL}), with
 * {@code $RUNAGENTS_ADMIN_TOKEN} as bearer token when set. The proxy validates the whole directory and writes
 * the files; {@code apply} checks the input on its own first, so its errors name the user's file.
 */
final class RemoteResources implements ResourceBackend {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    RemoteResources(String server, String token) {
        this.base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        this.token = token == null || token.isEmpty() ? null : token;
    }

    /** None: a running proxy serves only a configuration that loaded (a refused reload's errors: /admin/config). */
    @Override
    public List<String> directoryErrors() {
        return List.of();
    }

    @Override
    public List<ObjectNode> list(ResourceKind kind) throws Exception {
        HttpResponse<String> r = send("GET", path(kind, null), null, false);
        List<ObjectNode> items = new ArrayList<>();
        JSON.readTree(expectOk(r)).path("items").forEach(item -> items.add((ObjectNode) item));
        return items;
    }

    @Override
    public String listYaml(ResourceKind kind) throws IOException {
        return expectOk(send("GET", path(kind, null), null, true));
    }

    /** A JSON answer of the admin API and its status. */
    record Answer(int status, JsonNode body) {
        /** The error document's {@code error_description}, else the status. */
        String description() {
            return body.path("error_description").asText("server: " + status);
        }
    }

    /**
     * {@code POST path} with a JSON body ({@code /admin/token-check}, {@code /admin/policy-test}); a body that is
     * not JSON (a proxy too old to have the endpoint may answer otherwise) reads as an empty object.
     */
    Answer post(String path, ObjectNode body) throws IOException {
        HttpResponse<String> r = send("POST", path, JSON.writeValueAsString(body), "application/json", false);
        JsonNode parsed;
        try {
            parsed = JSON.readTree(r.body());
        } catch (IOException e) {
            parsed = null;
        }
        return new Answer(r.statusCode(), parsed == null || !parsed.isObject() ? JSON.createObjectNode() : parsed);
    }

    /** {@code GET /admin/config}: the loaded version, the last reload, and the settings it enforces. */
    JsonNode config() throws IOException {
        return JSON.readTree(expectOk(send("GET", "/admin/config", null, false)));
    }

    @Override
    public Optional<ObjectNode> json(ResourceKind kind, String name) throws Exception {
        HttpResponse<String> r = send("GET", path(kind, name), null, false);
        return r.statusCode() == 404 ? Optional.empty() : Optional.of((ObjectNode) JSON.readTree(expectOk(r)));
    }

    @Override
    public Optional<String> yaml(ResourceKind kind, String name) throws Exception {
        HttpResponse<String> r = send("GET", path(kind, name), null, true);
        return r.statusCode() == 404 ? Optional.empty() : Optional.of(expectOk(r));
    }

    @Override
    public Result apply(ResourceKind kind, String sourceName, String yaml, boolean dryRun) throws Exception {
        DocumentsLoadResult parsed = YamlConfigLoader.loadDocuments(kind, sourceName, yaml);
        if (parsed instanceof DocumentsLoadResult.Invalid invalid) {
            return Result.refused(invalid.errors().stream().map(ConfigError::toString).toList());
        }
        List<? extends Record> resources = ((DocumentsLoadResult.Parsed) parsed).resources().of(kind);
        List<String> lines = new ArrayList<>();
        StringBuilder diff = new StringBuilder();
        for (Record resource : resources) {
            // One document is sent as written (comments kept); several are sent one by one, rendered.
            String body = resources.size() == 1 ? yaml : ResourceYamlWriter.write(resource);
            HttpResponse<String> r = send("PUT", path(kind, ResourceFiles.nameOf(resource))
                    + (dryRun ? "?dryRun=true" : ""), body, false);
            Result step = edit(r, dryRun);
            if (!step.errors().isEmpty()) {
                return new Result(step.errors(), lines, diff.toString(), false);
            }
            lines.addAll(step.lines());
            diff.append(step.diff());
        }
        return new Result(List.of(), lines, diff.toString(), false);
    }

    @Override
    public Result delete(ResourceKind kind, String name, boolean dryRun) throws Exception {
        HttpResponse<String> r = send("DELETE", path(kind, name) + (dryRun ? "?dryRun=true" : ""), null, false);
        return r.statusCode() == 404 ? Result.missing() : edit(r, dryRun);
    }

    private static Result edit(HttpResponse<String> r, boolean dryRun) throws IOException {
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() / 100 != 2) {
            List<String> errors = new ArrayList<>();
            body.path("errors").forEach(e -> errors.add(e.path("text").asText()));
            if (errors.isEmpty()) {
                errors.add("server: " + r.statusCode() + " " + body.path("error_description").asText(r.body()));
            }
            return Result.refused(errors);
        }
        String line = body.path("resource").asText() + " " + body.path("result").asText() + (dryRun ? " (dry run)" : "");
        return new Result(List.of(), List.of(line), body.path("diff").asText(""), false);
    }

    String expectOk(HttpResponse<String> r) throws IOException {
        if (r.statusCode() != 200) {
            String description = r.body();
            try {
                description = JSON.readTree(r.body()).path("error_description").asText(r.body());
            } catch (IOException e) {
                // not JSON: show it as it came
            }
            throw new IOException(base + ": " + r.statusCode() + " " + description);
        }
        return r.body();
    }

    private static String path(ResourceKind kind, String name) {
        return "/admin/" + kind.folder() + (name == null ? "" : "/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
    }

    HttpResponse<String> send(String method, String path, String body, boolean yaml) throws IOException {
        return send(method, path, body, "application/yaml", yaml);
    }

    private HttpResponse<String> send(String method, String path, String body, String contentType, boolean yaml)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Accept", yaml ? "application/yaml" : "application/json");
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException e) {
            throw new IOException("cannot reach " + base + ": " + e, e);
        }
    }
}
