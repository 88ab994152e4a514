package io.runagents.ingress.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.runagents.ingress.core.server.LiveProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runagents policies test} through the real entry point, on a conf directory and through a server. */
class PolicyTestCommandTest {
    @TempDir
    Path conf;

    @BeforeEach
    void writeConf() throws Exception {
        Files.createDirectories(conf.resolve("tools"));
        Files.createDirectories(conf.resolve("policies"));
        Files.writeString(conf.resolve("tools/finance.yaml"), "name: finance\nspec:\n  baseUrl: https://fin.example.com\n");
        Files.writeString(conf.resolve("tools/github.yaml"), "name: github\nspec:\n  baseUrl: https://api.github.com\n");
        Files.writeString(conf.resolve("policies/finance.yaml"), """
                name: finance-bob-read-only
                spec:
                  target: { tool: finance }
                  rules:
                    - effect: allow
                      users: [bob@company.com]
                      methods: [GET, HEAD]
                    - effect: deny
                      users: [bob@company.com]
                    - effect: allow
                      domains: [company.com]
                """);
    }

    private ResourceCommandsTest.Run test(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "policies";
        all[1] = "test";
        all[2] = "--config";
        all[3] = conf.toString();
        System.arraycopy(args, 0, all, 4, args.length);
        return ResourceCommandsTest.run(all);
    }

    @Test
    void explainsEachRuleAndTheDecision() {
        ResourceCommandsTest.Run bobPost = test("--user", "bob@company.com", "--tool", "finance", "--method", "post",
                "--path", "/invoices");
        assertThat(bobPost.exit()).isEqualTo(1);
        assertThat(bobPost.out()).contains("finance-bob-read-only#0 allow: no match (method POST not in [GET, HEAD])")
                .contains("finance-bob-read-only#1 deny: matches").endsWith("deny: finance-bob-read-only#1\n");
        ResourceCommandsTest.Run bobGet = test("--user", "bob@company.com", "--tool", "finance");
        assertThat(bobGet.exit()).isZero();
        assertThat(bobGet.out()).endsWith("allow: finance-bob-read-only#0\n");
        ResourceCommandsTest.Run outsider = test("--user", "eve@evil.com", "--tool", "finance");
        assertThat(outsider.exit()).isEqualTo(1);
        assertThat(outsider.out()).endsWith("deny: no rule matched (finance-bob-read-only#default)\n");
        assertThat(test("--user", "eve@evil.com", "--tool", "github").out()).isEqualTo("allow: github has no policies\n");
    }

    @Test
    void unknownTargetIsRefusedAndMissingTargetIsUsage() {
        ResourceCommandsTest.Run unknown = test("--user", "a", "--tool", "nope");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("tool \"nope\" not found");
        assertThat(test("--user", "a").exit()).isEqualTo(2);
    }

    @Test
    void thePathIsJudgedAsTheProxyWouldJudgeIt() {
        // The query takes no part (the proxy drops it before policies), and a path the proxy refuses is a usage error.
        assertThat(test("--user", "bob@company.com", "--tool", "finance", "--path", "/invoices?amount=5").exit())
                .isZero();
        for (String refused : new String[] {"invoices", "/a;b", "/a%2Fb"}) {
            ResourceCommandsTest.Run run = test("--user", "bob@company.com", "--tool", "finance", "--path", refused);
            assertThat(run.exit()).as(refused).isEqualTo(2);
            assertThat(run.err()).contains("--path " + refused + ": ").doesNotContain("Exception");
        }
    }

    @Test
    void throughARunningProxyTheServersPoliciesDecide(@TempDir Path tmp) throws Exception {
        try (LiveProxy live = LiveProxy.start(tmp, null)) {
            for (String file : new String[] {"tools/finance.yaml", "policies/finance.yaml"}) {
                live.write(file, Files.readString(conf.resolve(file)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> live.store.current().policies().size() == 1);
            String server = live.adminUrl();
            ResourceCommandsTest.Run read = ResourceCommandsTest.run("policies", "test", "--server", server,
                    "--user", "bob@company.com", "--tool", "finance", "--method", "get");
            assertThat(read.exit()).isZero();
            assertThat(read.out()).isEqualTo("  finance-bob-read-only#0 allow: matches\n"
                    + "allow: finance-bob-read-only#0\n");
            ResourceCommandsTest.Run write = ResourceCommandsTest.run("policies", "test", "--server", server,
                    "--user", "bob@company.com", "--tool", "finance", "--method", "POST");
            assertThat(write.exit()).isEqualTo(1);
            assertThat(write.out()).endsWith("deny: finance-bob-read-only#1\n");
            ResourceCommandsTest.Run unknown = ResourceCommandsTest.run("policies", "test", "--server", server,
                    "--user", "bob@company.com", "--tool", "nope");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).contains("tool \"nope\" not found");
            ResourceCommandsTest.Run badPath = ResourceCommandsTest.run("policies", "test", "--server", server,
                    "--user", "bob@company.com", "--tool", "finance", "--path", "/a;b");
            assertThat(badPath.exit()).isEqualTo(2);
            assertThat(badPath.err()).contains("--path /a;b: ");
        }
    }
}
