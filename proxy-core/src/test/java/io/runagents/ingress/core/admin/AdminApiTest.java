package io.runagents.ingress.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.runagents.ingress.config.edit.ResourceFiles;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.runtime.ReadinessReport;
import io.runagents.ingress.core.server.LiveProxy;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC section 10 over a real admin listener, plus the access rules. */
class AdminApiTest {
    @TempDir
    Path tmp;

    @Test
    void putGetDeleteAndEveryErrorOnA400() throws Exception {
        try (LiveProxy live = LiveProxy.start(tmp, null)) {
            HttpResponse<String> created = live.admin("PUT", "/admin/agents/x", live.agentYaml("x"));
            assertThat(created.statusCode()).isEqualTo(201);
            assertThat(created.body()).contains("\"result\" : \"created\"", "\"resource\" : \"agent/x\"");
            assertThat(live.admin("PUT", "/admin/agents/x", live.agentYaml("x")).body()).contains("unchanged");

            assertThat(live.admin("GET", "/admin/agents", null).body()).contains("\"name\" : \"main\"",
                    "\"name\" : \"x\"");
            HttpResponse<String> yaml = live.admin("GET", "/admin/agents/x", null, "Accept", "application/yaml");
            assertThat(yaml.body()).isEqualTo(live.agentYaml("x"));
            assertThat(live.admin("GET", "/admin/agents/nope", null).statusCode()).isEqualTo(404);

            HttpResponse<String> invalid = live.admin("PUT", "/admin/agents/y",
                    "name: y\nspec:\n  pathPrefix: nope\n  upstream: ftp://x\n  colour: red\n");
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(invalid.body()).contains("request:3:15: spec.pathPrefix", "request:4:13: spec.upstream",
                    "request:5:3: spec.colour");
            HttpResponse<String> mismatch = live.admin("PUT", "/admin/agents/other", live.agentYaml("x"));
            assertThat(mismatch.statusCode()).isEqualTo(400);
            assertThat(mismatch.body()).contains("name_mismatch");

            HttpResponse<String> dry = live.admin("DELETE", "/admin/agents/x?dryRun=true", null);
            assertThat(dry.body()).contains("\"dryRun\" : true", "-name: x");
            assertThat(live.conf.resolve("agents/x.yaml")).exists();
            assertThat(live.admin("DELETE", "/admin/agents/x", null).statusCode()).isEqualTo(200);
            assertThat(live.conf.resolve("agents/x.yaml")).doesNotExist();
            assertThat(live.admin("DELETE", "/admin/agents/x", null).statusCode()).isEqualTo(404);

            assertThat(live.admin("GET", "/admin/widgets", null).statusCode()).isEqualTo(404);
            assertThat(live.admin("POST", "/admin/agents", "").statusCode()).isEqualTo(405);
            assertThat(live.admin("GET", "/admin/config", null).body()).contains("\"version\" : 3");
        }
    }

    @Test
    void configReportsTheTokenLimitsItEnforcesAndNoPathsOrUrls() throws Exception {
        try (LiveProxy live = LiveProxy.start(tmp, null)) {
            String body = live.admin("GET", "/admin/config", null).body();
            assertThat(body).contains("\"maxTokenBytes\" : 8192", "\"fetchTimeoutMillis\" : 3000")
                    .doesNotContain("tokenStore", "dataDir", "audit.jsonl");
        }
    }

    @Test
    void tokenGuardsAdminButNotProbes() throws Exception {
        try (LiveProxy live = LiveProxy.start(tmp, "s3cret")) {
            HttpResponse<String> none = live.admin("GET", "/admin/config", null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"runagents-admin\"");
            assertThat(live.admin("GET", "/admin/config", null, "Authorization", "Bearer s3cre").statusCode())
                    .isEqualTo(401);
            assertThat(live.admin("GET", "/admin/config", null, "Authorization", "Bearer s3cret").statusCode())
                    .isEqualTo(200);
            assertThat(live.admin("GET", "/healthz", null).statusCode()).isEqualTo(200);
            assertThat(live.admin("GET", "/metrics", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void withoutATokenOnlyLoopbackClientsAreServed() throws Exception {
        // EmbeddedChannel's remote address is not an IP address at all, so it stands for "not loopback".
        ProxyMetrics metrics = new ProxyMetrics();
        AdminHandler handler = new AdminHandler(metrics, () -> new ReadinessReport.Readiness(true, "[]"),
                () -> "{\"keys\":[]}", List::of);
        try (ConfigStore store = new ConfigStore(tmp, Clock.systemUTC())) {
            handler.api(new AdminApiHandler(store, new ResourceFiles(tmp, Clock.systemUTC()), Runnable::run, null));
            EmbeddedChannel channel = new EmbeddedChannel(handler);
            DefaultFullHttpRequest config = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                    "/admin/config", Unpooled.EMPTY_BUFFER);
            config.headers().set("Host", "localhost");
            channel.writeInbound(config);
            FullHttpResponse response = channel.readOutbound();
            assertThat(response.status().code()).isEqualTo(403);
            response.release();
            channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/healthz",
                    Unpooled.EMPTY_BUFFER));
            FullHttpResponse health = channel.readOutbound();
            assertThat(health.status().code()).isEqualTo(200);
            health.release();
            channel.finishAndReleaseAll();
        } finally {
            metrics.close();
        }
    }
}
