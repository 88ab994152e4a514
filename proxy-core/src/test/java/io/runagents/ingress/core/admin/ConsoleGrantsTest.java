package io.runagents.ingress.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.config.edit.ResourceFiles;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.runtime.ReadinessReport;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The console's Grants page revoking a grant, in headless Chromium. The grants API (SPEC section 8) is another
 * part's: a stub of its shape ({@code GET /admin/grants}, {@code DELETE /admin/grants/<tool>?user=U}) stands in
 * for it on a real admin listener serving the real console.
 */
class ConsoleGrantsTest {
    @TempDir
    static Path conf;
    private static final Map<String, String> GRANTS = new ConcurrentHashMap<>(Map.of(
            "alice@company.com github", "repo read:org", "bob@company.com github", "repo"));
    private static EventLoopGroup group;
    private static Channel listener;
    private static ConfigStore store;
    private static ProxyMetrics metrics;
    private static Browser browser;

    /** The stub: a list of grants, and revoke by tool and user. */
    private static final AdminEndpoint STUB = new AdminEndpoint() {
        @Override
        public CompletionStage<AdminReply> answer(AdminApiHandler.Call call) {
            if (call.method() == HttpMethod.DELETE && call.segments().size() == 2) {
                String removed = GRANTS.remove(call.parameter("user") + " " + call.segments().get(1));
                return CompletableFuture.completedFuture(removed == null
                        ? AdminReply.error(HttpResponseStatus.NOT_FOUND, "not_found", "no such grant")
                        : AdminReply.json(HttpResponseStatus.OK, AdminReply.JSON.createObjectNode().put("revoked", true)));
            }
            ObjectNode body = AdminReply.JSON.createObjectNode();
            ArrayNode items = body.putArray("items");
            GRANTS.forEach((key, scopes) -> {
                String[] userTool = key.split(" ");
                ObjectNode g = items.addObject().put("user", userTool[0]).put("provider", "corp")
                        .put("tool", userTool[1]).put("created", "2026-01-01T00:00:00Z")
                        .put("refreshed", "2026-01-02T00:00:00Z").put("expires", "2026-01-02T01:00:00Z");
                ArrayNode s = g.putArray("scopes");
                List.of(scopes.split(" ")).forEach(s::add);
            });
            return CompletableFuture.completedFuture(AdminReply.json(HttpResponseStatus.OK, body));
        }

        @Override
        public boolean takesSubPaths() {
            return true;
        }
    };

    @BeforeAll
    static void start() throws Exception {
        String missing = Browser.missing();
        assumeTrue(missing == null, "browser tests skipped: " + missing);
        store = new ConfigStore(conf, Clock.systemUTC());
        store.initialize();
        metrics = new ProxyMetrics();
        AdminHandler handler = new AdminHandler(metrics, () -> new ReadinessReport.Readiness(true, "[]"),
                () -> "{\"keys\":[]}", List::of);
        AdminApiHandler api = new AdminApiHandler(store, new ResourceFiles(conf, Clock.systemUTC()), Runnable::run, null);
        api.endpoint("grants", STUB);
        handler.api(api);
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new AdminInitializer(handler)).bind("127.0.0.1", 0).sync().channel();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (listener != null) {
            listener.close().sync();
            group.shutdownGracefully().sync();
            metrics.close();
            store.close();
        }
    }

    @Test
    void aGrantIsRevoked() {
        int port = ((InetSocketAddress) listener.localAddress()).getPort();
        browser.open("http://127.0.0.1:" + port + "/#/grants");
        browser.waitForText(By.id("grants"), "alice@company.com");
        assertThat(browser.text(By.id("grants"))).contains("bob@company.com", "repo read:org");
        By aliceRevoke = By.xpath("//table[@id='grants']//tr[td[1][.='alice@company.com']]//button");
        browser.waitFor(aliceRevoke).click();
        browser.waitForText(aliceRevoke, "Confirm revoke");
        browser.waitFor(aliceRevoke).click();
        browser.waitForText(By.id("grants-message"), "Revoked github for alice@company.com");
        assertThat(GRANTS).containsOnlyKeys("bob@company.com github");
        assertThat(browser.text(By.id("grants"))).doesNotContain("alice@company.com").contains("bob@company.com");
        assertThat(browser.errors()).isEmpty();
    }
}
