package io.runagents.ingress.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.core.cli.Main;
import io.runagents.ingress.core.server.LiveProxy;
import io.runagents.ingress.core.testing.RawHttp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 part 4 over a real admin listener without an admin token: a page reaching it through DNS rebinding
 * (its own name resolving to 127.0.0.1) or from another origin reads and writes nothing; the CLI still works.
 */
class AdminRebindingTest {
    @TempDir
    Path tmp;

    private static RawHttp.Response send(InetSocketAddress admin, String method, String path, String host,
                                         String body, String... headerLines) throws Exception {
        StringBuilder raw = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host).append("\r\nConnection: close\r\n");
        for (String line : headerLines) {
            raw.append(line).append("\r\n");
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        raw.append("Content-Length: ").append(bytes.length).append("\r\n\r\n").append(body == null ? "" : body);
        return RawHttp.exchange(admin, raw.toString());
    }

    @Test
    void aRebindingHostIs421AndNothingIsWrittenOrRead() throws Exception {
        try (LiveProxy live = LiveProxy.start(tmp, null)) {
            InetSocketAddress admin = live.server.adminAddress();
            String evil = "attacker.example:" + admin.getPort();
            RawHttp.Response put = send(admin, "PUT", "/admin/agents/evil", evil, live.agentYaml("evil"));
            assertThat(put.status()).isEqualTo(421);
            assertThat(put.body()).contains("misdirected_request").doesNotContain("attacker.example");
            assertThat(live.conf.resolve("agents/evil.yaml")).doesNotExist();

            assertThat(send(admin, "GET", "/admin/agents", evil, null).status()).isEqualTo(421);
            assertThat(send(admin, "DELETE", "/admin/agents/main", evil, null).status()).isEqualTo(421);
            assertThat(live.conf.resolve("agents/main.yaml")).exists();
            RawHttp.Response console = send(admin, "GET", "/", evil, null);
            assertThat(console.status()).isEqualTo(421);
            assertThat(console.body()).doesNotContain("<html");
            assertThat(send(admin, "GET", "/healthz", evil, null).status()).as("probes answer any Host").isEqualTo(200);

            assertThat(send(admin, "GET", "/admin/agents", "localhost:" + admin.getPort(), null).status())
                    .isEqualTo(200);
            assertThat(send(admin, "GET", "/admin/agents", "127.0.0.1:" + admin.getPort(), null).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aForeignOriginOnPutAndDeleteIs403AndNothingIsWritten() throws Exception {
        try (LiveProxy live = LiveProxy.start(tmp, null)) {
            InetSocketAddress admin = live.server.adminAddress();
            String host = "127.0.0.1:" + admin.getPort();
            RawHttp.Response put = send(admin, "PUT", "/admin/agents/evil", host, live.agentYaml("evil"),
                    "Origin: https://attacker.example");
            assertThat(put.status()).isEqualTo(403);
            assertThat(put.body()).contains("forbidden_origin");
            assertThat(live.conf.resolve("agents/evil.yaml")).doesNotExist();

            RawHttp.Response delete = send(admin, "DELETE", "/admin/agents/main", host, null,
                    "Origin: http://localhost:" + (admin.getPort() == 65535 ? 1 : admin.getPort() + 1));
            assertThat(delete.status()).isEqualTo(403);
            assertThat(live.conf.resolve("agents/main.yaml")).exists();

            RawHttp.Response own = send(admin, "PUT", "/admin/agents/x", host, live.agentYaml("x"),
                    "Origin: http://" + host);
            assertThat(own.status()).as("the console's own origin").isEqualTo(201);
            assertThat(live.conf.resolve("agents/x.yaml")).exists();
        }
    }

    @Test
    void theCliThroughServerKeepsWorking() throws Exception {
        try (LiveProxy live = LiveProxy.start(tmp, null)) {
            Path file = Files.writeString(tmp.resolve("x.yaml"), live.agentYaml("x"));
            assertThat(cli("agents", "apply", "-f", file.toString(), "--server", live.adminUrl()))
                    .contains("agent/x created");
            assertThat(cli("agents", "list", "--server", live.adminUrl())).contains("main", "x");
            assertThat(cli("agents", "delete", "x", "--server", live.adminUrl())).contains("agent/x deleted");
            assertThat(cli("agents", "list", "--server", "http://localhost:" + live.server.adminAddress().getPort()))
                    .contains("main");
        }
    }

    /** Runs {@code runagents ARGS}; what it printed, after checking it exited 0. */
    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        assertThat(exit).as(err.toString()).isZero();
        return out.toString();
    }
}
