package io.runagents.ingress.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runagents policies test} through the real entry point, on a conf directory. */
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
}
