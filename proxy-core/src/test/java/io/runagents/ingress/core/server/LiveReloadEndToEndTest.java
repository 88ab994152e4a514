package io.runagents.ingress.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.runagents.ingress.core.runtime.ConfigReloader;
import io.runagents.ingress.core.testing.RawHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/** SPEC section 4 over real files and sockets: watched conf directory, atomic swap, no failed request. */
class LiveReloadEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(5);

    @TempDir
    Path tmp;
    LiveProxy live;

    @AfterEach
    void stop() {
        if (live != null) {
            live.close();
        }
    }

    private int get(String path) throws IOException {
        try (RawHttp client = new RawHttp(live.server.ingressAddress())) {
            return client.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").read().status();
        }
    }

    @Test
    void agentWrittenWhileServingIsAnsweredWithinSeconds() throws Exception {
        live = LiveProxy.start(tmp, null);
        assertThat(get("/fresh/x")).isEqualTo(404);

        live.write("agents/fresh.yaml", live.agentYaml("fresh"));

        await().atMost(WITHIN).until(() -> get("/fresh/x") == 200);
        assertThat(live.store.version()).isEqualTo(2);
        assertThat(live.reloads("success")).isEqualTo(1.0);
        assertThat(live.admin("GET", "/admin/config", null).body()).contains("\"version\" : 2", "\"success\"");
    }

    @Test
    void auditFileChangedLiveTakesTheLinesFromThenOn() throws Exception {
        live = LiveProxy.start(tmp, null);
        Path before = tmp.resolve("audit.jsonl");
        Path after = tmp.resolve("elsewhere/audit.jsonl");
        assertThat(get("/main/before")).isEqualTo(200);
        await().atMost(WITHIN).until(() -> Files.exists(before) && Files.readString(before).contains("/before"));

        live.write("proxy.yaml", proxyYamlWithAudit(after));
        await().atMost(WITHIN).until(() -> live.reloads("success") >= 1.0);
        assertThat(get("/main/after")).isEqualTo(200);

        await().atMost(WITHIN).until(() -> Files.exists(after) && Files.readString(after).contains("/after"));
        assertThat(Files.readString(before)).contains("/before").doesNotContain("/after");
        assertThat(Files.readString(after)).doesNotContain("/before");
        // Lines name users: the new file is as closed as the first one, although the reload's check created it.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(after))).isEqualTo("rw-r-----");
    }

    @Test
    void unwritableAuditFileRefusesTheReloadAndLinesStayWhereTheyWere() throws Exception {
        live = LiveProxy.start(tmp, null);
        Path blocker = Files.writeString(tmp.resolve("not-a-directory"), "a file");

        live.write("proxy.yaml", proxyYamlWithAudit(blocker.resolve("audit.jsonl")));

        await().atMost(WITHIN).until(() -> live.reloads("failure") >= 1.0);
        assertThat(live.admin("GET", "/admin/config", null).body()).contains("\"text\" : \"conf/proxy.yaml:3:16: "
                + "audit.file: cannot create " + blocker.resolve("audit.jsonl") + " (" + blocker + ": not a directory)");
        assertThat(get("/main/still")).isEqualTo(200);
        Path current = tmp.resolve("audit.jsonl");
        await().atMost(WITHIN).until(() -> Files.exists(current) && Files.readString(current).contains("/still"));
    }

    @Test
    void listenChangedAndChangedBackWarnsOnceAndThenSaysNoRestartIsNeeded() throws Exception {
        live = LiveProxy.start(tmp, null);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(ConfigReloader.class);
        logs.start();
        logger.addAppender(logs);
        try {
            String started = proxyYamlWithAudit(tmp.resolve("audit.jsonl"));
            live.write("proxy.yaml", started.replace("egress: \"127.0.0.1:0\"", "egress: \"127.0.0.1:1\""));
            await().atMost(WITHIN).until(() -> live.reloads("success") >= 1.0);
            live.write("proxy.yaml", started);
            await().atMost(WITHIN).until(() -> live.reloads("success") >= 2.0);

            // Back to the bound addresses is not another "restart needed" (it was compared with the last file).
            assertThat(logs.list).extracting(e -> e.getLevel() + " " + e.getFormattedMessage())
                    .filteredOn(line -> line.contains("listen")).satisfiesExactly(
                            warn -> assertThat(warn).startsWith("WARN").contains("restart needed"),
                            info -> assertThat(info).startsWith("INFO").contains("back to"));
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void tokenStoreChangedWarnsThatARestartIsNeededWithoutItsUrl() throws Exception {
        live = LiveProxy.start(tmp, null);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(ConfigReloader.class);
        logs.start();
        logger.addAppender(logs);
        try {
            String started = proxyYamlWithAudit(tmp.resolve("audit.jsonl"));
            live.write("proxy.yaml", started
                    + "tokenStore: { url: \"jdbc:postgresql://db.internal/grants?password=hunter2\" }\n");
            await().atMost(WITHIN).until(() -> live.reloads("success") >= 1.0);
            live.write("proxy.yaml", started);
            await().atMost(WITHIN).until(() -> live.reloads("success") >= 2.0);

            assertThat(logs.list).extracting(e -> e.getLevel() + " " + e.getFormattedMessage())
                    .filteredOn(line -> line.contains("tokenStore")).satisfiesExactly(
                            warn -> assertThat(warn).startsWith("WARN").contains("restart needed"),
                            info -> assertThat(info).startsWith("INFO").contains("back to"));
            assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                    .noneMatch(line -> line.contains("hunter2") || line.contains("db.internal"));
        } finally {
            logger.detachAppender(logs);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            tls             | 'tls: { certFile: /nonexistent.pem, keyFile: /nonexistent.key }' | conf/proxy.yaml:4:18: tls.certFile: cannot read /nonexistent.pem (no such file)
            signing key     | 'identityContext: { signingKeyFile: /nonexistent.jwk }'          | conf/proxy.yaml:4:36: identityContext.signingKeyFile: cannot read /nonexistent.jwk (no such file)
            """)
    void unusableFileRefusesTheReloadWithItsPosition(String label, String setting, String expected) throws Exception {
        live = LiveProxy.start(tmp, null);

        live.write("proxy.yaml", proxyYamlWithAudit(tmp.resolve("audit.jsonl")) + setting + "\n");

        await().atMost(WITHIN).until(() -> live.reloads("failure") >= 1.0);
        assertThat(get("/main/x")).isEqualTo(200);
        assertThat(live.store.version()).isEqualTo(1);
        String config = live.admin("GET", "/admin/config", null).body();
        assertThat(config).contains("\"result\" : \"failure\"", "\"text\" : \"" + expected + "\"")
                .doesNotContain("prepare failed");
    }

    private String proxyYamlWithAudit(Path auditFile) {
        return LiveProxy.PROXY_YAML + "dataDir: " + tmp.resolve("data") + "\naudit: { file: " + auditFile + " }\n";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bad yaml         | agents/bad.yaml  | 'name: [oops\n'                                  | conf/agents/bad.yaml:2:1:
            unknown field    | agents/bad.yaml  | 'name: bad\nspec:\n  pathPrefix: /bad\n  upstream: http://127.0.0.1:9\n  acces: open\n' | conf/agents/bad.yaml:5:3: spec.acces:
            missing required | agents/bad.yaml  | 'name: bad\nspec:\n  pathPrefix: /bad\n  access: open\n' | conf/agents/bad.yaml:2:1: spec.upstream:
            duplicate name   | agents/bad.yaml  | 'name: main\nspec:\n  pathPrefix: /bad\n  upstream: http://127.0.0.1:9\n  access: open\n' | conf/agents/main.yaml:1:7: name: duplicate agent name
            misspelt folder  | agnets/bad.yaml  | 'name: bad\nspec:\n  pathPrefix: /bad\n  upstream: http://127.0.0.1:9\n  access: open\n' | conf/agnets:1:1: unknown folder holding YAML files
            empty rule list  | policies/bad.yaml | 'name: bad\nspec:\n  target: { agent: main }\n  rules:\n    - effect: allow\n      users: []\n' | conf/policies/bad.yaml:6:14: spec.rules[0].users: []
            """)
    void invalidEditKeepsServingAndIsReportedWithLineAndColumn(String label, String file, String yaml,
                                                               String expected) throws Exception {
        live = LiveProxy.start(tmp, null);
        live.write(file, yaml.replace("\\n", "\n"));

        await().atMost(WITHIN).until(() -> live.reloads("failure") >= 1.0);
        assertThat(get("/main/x")).isEqualTo(200);
        assertThat(live.store.version()).isEqualTo(1);
        String config = live.admin("GET", "/admin/config", null).body();
        assertThat(config).contains("\"result\" : \"failure\"", expected);
        assertThat(live.admin("GET", "/metrics", null).body())
                .contains("runagents_config_reloads_total{result=\"failure\"} 1.0");

        Files.delete(live.conf.resolve(file));
        await().atMost(WITHIN).until(() -> live.admin("GET", "/admin/config", null).body().contains("unchanged"));
        assertThat(live.admin("GET", "/admin/config", null).body()).contains("\"errors\" : [ ]");
    }

    @Test
    void kubernetesDataSymlinkSwapReloads() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Path v1 = Files.createDirectories(conf.resolve("..2025_01_01/agents"));
        Files.writeString(conf.resolve("..2025_01_01/proxy.yaml"), LiveProxy.PROXY_YAML);
        Files.createSymbolicLink(conf.resolve("..data"), Path.of("..2025_01_01"));
        Files.createSymbolicLink(conf.resolve("proxy.yaml"), Path.of("..data/proxy.yaml"));
        Files.createSymbolicLink(conf.resolve("agents"), Path.of("..data/agents"));
        live = LiveProxy.start(tmp, null);   // writes through the links into ..2025_01_01
        assertThat(v1.resolve("main.yaml")).exists();

        Path v2 = Files.createDirectories(conf.resolve("..2025_01_02/agents"));
        // The same settings as LiveProxy wrote into v1: a bare PROXY_YAML would move dataDir and the audit file
        // to their defaults, relative to the working directory (the module's folder).
        Files.writeString(conf.resolve("..2025_01_02/proxy.yaml"), proxyYamlWithAudit(tmp.resolve("audit.jsonl")));
        Files.writeString(v2.resolve("main.yaml"), live.agentYaml("main"));
        Files.writeString(v2.resolve("k8s.yaml"), live.agentYaml("k8s"));
        Path link = Files.createSymbolicLink(conf.resolve("..data_tmp"), Path.of("..2025_01_02"));
        Files.move(link, conf.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        await().atMost(WITHIN).until(() -> get("/k8s/x") == 200);
    }

    @Test
    void twentyReloadsUnderLoadFailNoRequest() throws Exception {
        live = LiveProxy.start(tmp, null);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong ok = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread client = new Thread(() -> hammer(running, ok, failures), "client-" + t);
            client.start();
            clients.add(client);
        }
        for (int i = 0; i < 10; i++) {
            long version = live.store.version();
            live.write("agents/extra.yaml", live.agentYaml("extra" + i));
            live.write("identity-providers/extra.yaml", LiveProxy.PROVIDER.formatted("extra" + i, "extra" + i, i));
            await().atMost(WITHIN).until(() -> live.store.version() > version);
            long next = live.store.version();
            Files.delete(live.conf.resolve("agents/extra.yaml"));
            Files.delete(live.conf.resolve("identity-providers/extra.yaml"));
            await().atMost(WITHIN).until(() -> live.store.version() > next);
        }
        running.set(false);
        for (Thread client : clients) {
            client.join(10_000);
        }
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(100);
        assertThat(live.reloads("success")).isGreaterThanOrEqualTo(20.0);
        assertThat(live.reloads("failure")).isZero();
    }

    private void hammer(AtomicBoolean running, AtomicLong ok, ConcurrentLinkedQueue<String> failures) {
        try (RawHttp client = new RawHttp(live.server.ingressAddress())) {
            while (running.get()) {
                RawHttp.Response r = client.send("GET /main/load HTTP/1.1\r\nHost: a\r\n\r\n").read();
                if (r.status() == 200 && r.complete()) {
                    ok.incrementAndGet();
                } else {
                    failures.add(r.status() + " " + r.body());
                }
            }
        } catch (IOException | RuntimeException e) {
            failures.add(e.toString());
        }
    }
}
