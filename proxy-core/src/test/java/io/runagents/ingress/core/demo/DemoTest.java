package io.runagents.ingress.core.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/runagents demo}, in process: start it, read what it prints, and run its curl lines as a person
 * pasting them would (URL and {@code -H} headers taken from each printed line).
 */
class DemoTest {
    @TempDir
    Path dataDir;

    private Demo demo;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        demo = Demo.start(0, 0, dataDir);
    }

    @AfterEach
    void stop() {
        demo.close();
    }

    /** One printed curl line: its URL and its {@code -H} headers. */
    record CurlLine(URI url, List<String[]> headers) { }

    /** The curl lines of the identity story (steps 1 to 4) as printed, in order. */
    private List<CurlLine> printedCurlLines() {
        List<CurlLine> lines = new ArrayList<>();
        String printed = demo.instructions();
        for (String line : printed.substring(0, printed.indexOf("\n5. ")).lines().map(String::trim).toList()) {
            if (line.startsWith("curl ")) {
                lines.add(parse(line));
            }
        }
        return lines;
    }

    /** Splits like a POSIX shell for what the demo prints: words, and single-quoted strings. */
    static CurlLine parse(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
                word = word == null ? new StringBuilder() : word;
            } else if (c == ' ' && !quoted) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = (word == null ? new StringBuilder() : word).append(c);
            }
        }
        assertThat(quoted).as("unbalanced quote in %s", line).isFalse();
        if (word != null) {
            words.add(word.toString());
        }
        URI url = null;
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("-H")) {
                String header = words.get(++i);
                int colon = header.indexOf(':');
                headers.add(new String[] {header.substring(0, colon).trim(), header.substring(colon + 1).trim()});
            } else if (w.startsWith("http://")) {
                url = URI.create(w);
            } else {
                assertThat(w).as("curl option the test does not know").isIn("-s", "-i", "-si");
            }
        }
        assertThat(url).as("URL in %s", line).isNotNull();
        return new CurlLine(url, headers);
    }

    private HttpResponse<String> run(CurlLine line) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(line.url()).timeout(Duration.ofSeconds(10)).GET();
        for (String[] header : line.headers()) {
            request.header(header[0], header[1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void printedStepsShowWhatTheyPromise() throws Exception {
        String printed = demo.instructions();
        assertThat(printed).contains(demo.aliceToken()).contains(demo.outsiderToken())
                .contains(demo.ingressUrl()).contains("/identity-context/jwks.json");
        assertThat(printed.indexOf(demo.aliceToken())).as("alice's token, then the outsider's, then the curl lines")
                .isLessThan(printed.indexOf(demo.outsiderToken()));
        assertThat(printed.indexOf(demo.outsiderToken())).isLessThan(printed.indexOf("curl "));
        List<CurlLine> lines = printedCurlLines();
        assertThat(lines).hasSize(4);

        HttpResponse<String> alice = run(lines.get(0));
        assertThat(alice.statusCode()).isEqualTo(200);
        assertThat(alice.body()).contains("\"x-end-user-id\":\"alice@example.com\"")
                .contains("\"x-end-user-context\":").doesNotContainIgnoringCase("\"authorization\"");

        HttpResponse<String> anonymous = run(lines.get(1));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().allValues("www-authenticate")).singleElement().asString()
                .startsWith("Bearer realm=\"127.0.0.1\", resource_metadata=\"http://127.0.0.1:")
                .contains("/.well-known/oauth-protected-resource");
        assertThat(JSONObjectUtils.parse(anonymous.body())).containsKey("error").containsKey("request_id");

        HttpResponse<String> outsider = run(lines.get(2));
        assertThat(outsider.statusCode()).isEqualTo(403);
        assertThat(outsider.headers().firstValue("www-authenticate")).isEmpty();
        assertThat(JSONObjectUtils.parse(outsider.body())).containsEntry("error", "forbidden")
                .containsEntry("error_description", "email domain not allowed");

        HttpResponse<String> open = run(lines.get(3));
        assertThat(lines.get(3).headers()).anySatisfy(h -> assertThat(h[0]).isEqualToIgnoringCase("X-End-User-ID"));
        assertThat(open.statusCode()).isEqualTo(200);
        // /open strips its prefix
        assertThat(open.body()).contains("\"path\":\"/hello\"").doesNotContainIgnoringCase("x-end-user-id")
                .doesNotContain("spoofed");
    }

    @Test
    void demoIsReadyAndPublishesTheContextKey() throws Exception {
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(demo.adminUrl() + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        HttpResponse<String> jwks = http.send(HttpRequest.newBuilder(
                URI.create(demo.adminUrl() + "/identity-context/jwks.json")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSONObjectUtils.parse(jwks.body()).get("keys")).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.LIST).hasSize(1);
    }

    @Test
    void printedToolCallLineReachesTheEchoToolAsAlice() throws Exception {
        assumeCurlAndBash();
        String line = demo.toolCallLine();
        assertThat(demo.instructions()).contains(line);
        String output = bash(line);
        assertThat(output).contains("\"path\":\"/lookup\"").contains("\"x-end-user-id\":\"alice@example.com\"")
                .doesNotContain("x-end-user-context");
    }

    /**
     * Steps 6 to 11 as printed, pasted into one shell: consent_required, the consent started, authorized as
     * alice at Demo Drive and completed, her files through the egress, revoked, consent_required again.
     */
    @Test
    void printedConsentStoryRunsAsPrinted() throws Exception {
        assumeCurlAndBash();
        String printed = demo.instructions();
        List<String> story = printed.substring(printed.indexOf("\n6. ")).lines()
                .filter(l -> l.startsWith("  ") && !l.startsWith("   ")).map(String::trim).toList();
        assertThat(story).hasSize(7);
        String marker = "=== step";
        StringBuilder script = new StringBuilder();
        for (String line : story) {
            script.append("echo '").append(marker).append("'\n").append(line).append("\necho\n");
        }
        String[] steps = bash(script.toString()).split(marker, -1);
        assertThat(steps).hasSize(8);

        assertThat(steps[1]).startsWith("\nHTTP/1.1 401").contains("www-authenticate: Bearer error=\"consent_required\"")
                .contains("\"error\":\"consent_required\"", "\"tool\":\"drive\"", "\"consent_url\":\"http://127.0.0.1:");
        assertThat(steps[2].trim()).startsWith("http://127.0.0.1:").contains("/authorize?", "code_challenge_method=S256",
                "scope=files.read");
        assertThat(steps[3].trim()).as("the consent code read off the callback's page").matches("[A-Za-z0-9_-]{22,}");
        assertThat(steps[4].trim()).isEqualTo("{\"tool\":\"drive\",\"scopes\":[\"files.read\"]}");
        assertThat(steps[5]).startsWith("\nHTTP/1.1 200").contains("\"account\":\"alice@example.com\"",
                "Q3 roadmap.md");
        assertThat(steps[6]).contains("\"revoked\":true");
        assertThat(steps[7]).startsWith("\nHTTP/1.1 401").contains("\"error\":\"consent_required\"");
        // The tokens never reach the shell: the agent and the user see none of them.
        assertThat(String.join("", steps)).doesNotContainIgnoringCase("access_token").doesNotContain("refresh_token");
    }

    private static void assumeCurlAndBash() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("sh", "-c", "command -v curl && command -v bash").start().waitFor() == 0,
                "the printed shell lines need curl and bash");
    }

    private static String bash(String script) throws Exception {
        Process shell = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        String output = new String(shell.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(shell.waitFor()).as(output).isZero();
        return output;
    }
}
