package io.runagents.ingress.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runagents.ingress.config.load.DocumentsLoadResult;
import io.runagents.ingress.config.load.ResourceKind;
import io.runagents.ingress.config.load.YamlConfigLoader;
import io.runagents.ingress.core.server.LiveProxy;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's static files as the admin listener serves them (SPEC section 12), and its presets. */
class ConsoleFilesTest {
    @TempDir
    Path tmp;

    @Test
    void filesComeWithTheirTypeAStrictPolicyAndValidators() throws Exception {
        try (LiveProxy live = LiveProxy.start(tmp, null)) {
            HttpResponse<String> index = live.admin("GET", "/", null);
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            assertThat(index.headers().firstValue("content-security-policy").orElseThrow())
                    .contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
                            "frame-ancestors 'none'").doesNotContain("unsafe");
            assertThat(index.headers().firstValue("x-content-type-options")).hasValue("nosniff");
            assertThat(index.headers().firstValue("cache-control")).hasValue("no-cache");
            assertThat(index.body()).contains("<script type=\"module\" src=\"/console/app.js\">")
                    .doesNotContainPattern("<script>|\\son[a-z]+=|style=");

            HttpResponse<String> js = live.admin("GET", "/console/app.js", null);
            assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
            String etag = js.headers().firstValue("etag").orElseThrow();
            assertThat(live.admin("GET", "/console/app.js", null, "If-None-Match", etag).statusCode()).isEqualTo(304);
            assertThat(live.admin("GET", "/console/app.css", null).headers().firstValue("content-type"))
                    .hasValue("text/css; charset=utf-8");
            assertThat(live.admin("HEAD", "/console/presets.json", null).statusCode()).isEqualTo(200);
            HttpResponse<String> missing = live.admin("GET", "/console/../conf/proxy.yaml", null);
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(live.admin("GET", "/console/nope.js", null).statusCode()).isEqualTo(404);
            assertThat(live.admin("POST", "/", "").statusCode()).isEqualTo(405);
            HttpResponse<String> api = live.admin("GET", "/admin/config", null);
            assertThat(api.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        }
    }

    @Test
    void noConsoleFileSetsInlineScriptOrStyleOrHtml() throws Exception {
        Path dir = Path.of("src/main/resources/console");
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".js")).toList()) {
                assertThat(Files.readString(file)).as(file.toString())
                        .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                                ".style.", "setAttribute('style'", "new Function");
            }
        }
    }

    private static Object provider(String source, String yaml) {
        DocumentsLoadResult parsed = YamlConfigLoader.loadDocuments(ResourceKind.IDENTITY_PROVIDERS, source, yaml);
        assertThat(parsed).as(source).isInstanceOf(DocumentsLoadResult.Parsed.class);
        return ((DocumentsLoadResult.Parsed) parsed).resources().identityProviders().get(0);
    }

    @Test
    void thePresetsAreTheExamples() throws Exception {
        JsonNode presets = new ObjectMapper().readTree(
                Files.readString(Path.of("src/main/resources/console/presets.json"))).path("presets");
        assertThat(presets).hasSize(4);
        for (JsonNode preset : presets) {
            Path example = Path.of("../examples", preset.path("id").asText() + ".yaml");
            // A JSON document is YAML too: both go through the loader, and the providers must be equal.
            assertThat(provider("preset", preset.path("resource").toString())).as(example.toString())
                    .isEqualTo(provider(example.toString(), Files.readString(example)));
        }
    }
}
