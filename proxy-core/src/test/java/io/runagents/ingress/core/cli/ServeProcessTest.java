package io.runagents.ingress.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runagents serve} as a real process: it serves, and SIGTERM drains it, writes the audit line of
 * every answered request, and exits 0. An invalid conf directory exits 1 with its errors.
 */
class ServeProcessTest {
    @TempDir
    Path tmp;

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private Process serve(Path conf) throws IOException {
        return runagents(tmp, "serve", "--config", conf.toString());
    }

    /** {@code runagents args} in a child JVM whose temporary files go to {@code tmpDir}; output in serve.log. */
    private Process runagents(Path tmpDir, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The child keeps this suite's leak detection (paranoid), which `serve` would otherwise turn off.
        String leakLevel = "-Dio.netty.leakDetection.level=" + System.getProperty("io.netty.leakDetection.level", "paranoid");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", leakLevel, "-Djava.io.tmpdir=" + tmpDir,
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("serve.log").toFile());
        // Whether the admin API has a token is each test's to say, not the machine's.
        builder.environment().remove("RUNAGENTS_ADMIN_TOKEN");
        return builder.start();
    }

    @Test
    void demoStopsOnSigtermAndLeavesNoTemporaryFiles() throws Exception {
        Path tmpDir = Files.createDirectories(tmp.resolve("java-tmp"));
        Process process = runagents(tmpDir, "demo", "--port", "0", "--admin-port", "0");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(tmp.resolve("serve.log")).contains("curl"));
            assertThat(demoDirs(tmpDir)).hasSize(1);
            process.destroy(); // SIGTERM
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String log = Files.readString(tmp.resolve("serve.log"));
            assertThat(process.exitValue()).as(log).isZero();
            assertThat(demoDirs(tmpDir)).as("the run's keys, JWKS copy and audit lines are gone").isEmpty();
        } finally {
            process.destroyForcibly();
        }
    }

    private static List<Path> demoDirs(Path tmpDir) throws IOException {
        try (var entries = Files.list(tmpDir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("runagents-demo")).toList();
        }
    }

    @Test
    void servesThenDrainsOnSigtermAndExitsZero() throws Exception {
        int ingress = freePort();
        int admin = freePort();
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Path audit = tmp.resolve("audit.jsonl");
        try (StubAgent agent = StubAgent.start()) {
            Files.writeString(conf.resolve("proxy.yaml"), """
                    listen: { ingress: "127.0.0.1:%d", egress: "127.0.0.1:0", admin: "127.0.0.1:%d" }
                    dataDir: %s
                    audit: { file: %s }
                    limits: { shutdownGraceSeconds: 5 }
                    """.formatted(ingress, admin, tmp.resolve("data"), audit));
            Files.createDirectories(conf.resolve("agents"));
            Files.writeString(conf.resolve("agents/echo.yaml"),
                    "name: echo\nspec:\n  upstream: " + agent.uri() + "\n  access: open\n");
            Process process = serve(conf);
            try {
                InetSocketAddress address = new InetSocketAddress("127.0.0.1", ingress);
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                        RawHttp.get(new InetSocketAddress("127.0.0.1", admin), "x", "/healthz").status() == 200);
                assertThat(RawHttp.get(address, "api.example.com", "/hello").status()).isEqualTo(200);
                process.destroy(); // SIGTERM
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                String log = Files.readString(tmp.resolve("serve.log"));
                assertThat(process.exitValue()).as(log).isZero();
                assertThat(log).doesNotContain("LEAK:");
            } finally {
                process.destroyForcibly();
            }
        }
        List<String> lines = Files.readAllLines(audit);
        assertThat(lines).singleElement().asString().contains("\"path\":\"/hello\"").contains("\"status\":200");
    }

    @Test
    void invalidConfigurationExitsOneWithItsErrors() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("bad"));
        Files.createDirectories(conf.resolve("agents"));
        Files.writeString(conf.resolve("agents/a.yaml"), "name: a\nspec:\n  upstreem: http://127.0.0.1:1\n");
        Process process = serve(conf);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(Files.readString(tmp.resolve("serve.log"))).contains("agents/a.yaml:3:3: spec.upstreem");
    }

    @Test
    void unusableFilesExitOneWithTheirPositionsAndNoStackTrace() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("files"));
        Path notADirectory = Files.writeString(tmp.resolve("not-a-directory"), "a file");
        Files.writeString(conf.resolve("proxy.yaml"), """
                listen: { ingress: "127.0.0.1:0", egress: "127.0.0.1:0", admin: "127.0.0.1:0" }
                tls: { certFile: /nonexistent.pem, keyFile: /nonexistent.key }
                identityContext: { signingKeyFile: /nonexistent.jwk }
                audit: { file: %s }
                """.formatted(notADirectory.resolve("audit.jsonl")));

        String log = exitOne(serve(conf));

        assertThat(log.lines()).containsSubsequence(
                "files/proxy.yaml:2:18: tls.certFile: cannot read /nonexistent.pem (no such file)",
                "files/proxy.yaml:2:45: tls.keyFile: cannot read /nonexistent.key (no such file)",
                "files/proxy.yaml:3:36: identityContext.signingKeyFile: cannot read /nonexistent.jwk (no such file)",
                "files/proxy.yaml:4:16: audit.file: cannot create " + notADirectory.resolve("audit.jsonl") + " ("
                        + notADirectory + ": not a directory)",
                conf + ": invalid configuration, not starting");
    }

    @Test
    void listenerPortInUseExitsOneWithOneLineNamingIt() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("taken"));
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Files.writeString(conf.resolve("proxy.yaml"), """
                    listen: { ingress: "127.0.0.1:0", egress: "127.0.0.1:%d", admin: "127.0.0.1:0" }
                    dataDir: %s
                    audit: { file: %s }
                    """.formatted(taken.getLocalPort(), tmp.resolve("data"), tmp.resolve("audit.jsonl")));

            String log = exitOne(serve(conf));

            assertThat(log).contains(conf + ": not starting: listen.egress: cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + " (");
        }
    }

    @Test
    void anAdminListenerOffLoopbackWithoutATokenRefusesToStart() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("exposed"));
        Files.writeString(conf.resolve("proxy.yaml"), """
                listen: { ingress: "127.0.0.1:0", egress: "127.0.0.1:0", admin: "0.0.0.0:0" }
                dataDir: %s
                audit: { file: %s }
                """.formatted(tmp.resolve("data"), tmp.resolve("audit.jsonl")));

        String log = exitOne(serve(conf));

        assertThat(log).contains(conf + ": not starting: listen.admin: 0.0.0.0:0 is not a loopback address and "
                + "RUNAGENTS_ADMIN_TOKEN is not set");
        assertThat(tmp.resolve("audit.jsonl")).as("nothing was started").doesNotExist();
    }

    /** The output of a serve that exited 1 on its own, after checking that it holds no stack trace. */
    private String exitOne(Process process) throws Exception {
        try {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String log = Files.readString(tmp.resolve("serve.log"));
            assertThat(process.exitValue()).as(log).isEqualTo(1);
            assertThat(log).doesNotContain("\tat ", "Exception");
            return log;
        } finally {
            process.destroyForcibly();
        }
    }
}
