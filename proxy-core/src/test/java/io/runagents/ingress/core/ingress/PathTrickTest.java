package io.runagents.ingress.core.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Path tricks against two agents, {@code /open} (A) and {@code /secret} (B), with no fallback: the path is
 * normalised once and that path is what routing sees and what the agent gets (SPEC section 5), so a request
 * reaches B only when its normalised path is under {@code /secret}, and never reaches A as anything but a
 * clean path under {@code /open}. Encoded separators, backslashes and NUL are 400.
 */
class PathTrickTest {
    private static StubAgent open;
    private static StubAgent secret;
    private static ProxyServer proxy;

    @BeforeAll
    static void start() throws Exception {
        open = StubAgent.start();
        secret = StubAgent.start();
        proxy = ProxyServer.start(TestConfigs.snapshot(List.of(
                TestConfigs.openAgent("open", "/open", open.uri()),
                TestConfigs.openAgent("secret", "/secret", secret.uri()))), 2);
    }

    @AfterAll
    static void stop() {
        proxy.close();
        open.close();
        secret.close();
    }

    /** {@code seenBy}: A, B or - (no agent); {@code forwarded}: the target the agent received. */
    @ParameterizedTest(name = "{0} -> {1} {2} {3}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            /open/x                   | 200 | A | /open/x
            /open/../secret           | 200 | B | /secret
            /open/%2e%2e/secret       | 200 | B | /secret
            /open/%2E%2E/secret       | 200 | B | /secret
            /open/.%2e/secret         | 200 | B | /secret
            /open/../../../secret/x   | 200 | B | /secret/x
            /secret/../open/x         | 200 | A | /open/x
            /open/./x                 | 200 | A | /open/x
            /open//x                  | 200 | A | /open/x
            //open///x                | 200 | A | /open/x
            /open/x/..                | 200 | A | /open/
            /open/%78?q=%2e%2e        | 200 | A | /open/x?q=%2e%2e
            /open/%252e%252e/secret   | 200 | A | /open/%252e%252e/secret
            /open;x                   | 400 | - | null
            /open;/../secret          | 400 | - | null
            /secret;x/y               | 400 | - | null
            /opensecret               | 404 | - | null
            /open/%2fsecret           | 400 | - | null
            /open/%2F..%2Fsecret      | 400 | - | null
            /open/..;/secret          | 400 | - | null
            /open/.;x/secret          | 400 | - | null
            /open\\..\\secret         | 400 | - | null
            /open/%5c..%5csecret      | 400 | - | null
            /open/%5C                 | 400 | - | null
            /open/%00                 | 400 | - | null
            /open/%zz                 | 400 | - | null
            /open/%2                  | 400 | - | null
            /open/\u00e9              | 400 | - | null
            *                         | 400 | - | null
            """)
    void pathTrick(String target, int status, String seenBy, String forwarded) throws Exception {
        String raw = target.replace("\\\\", "\\").replace("\\u00e9", "\u00e9");
        int openBefore = open.requestsStarted();
        int secretBefore = secret.requestsStarted();
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response response = client.send("GET " + raw + " HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(status);
            if (status != 200) {
                assertThat(response.body()).contains("\"error\":");
            }
        }
        // The response came back after the agent answered, so the agents' records are complete.
        List<StubAgent.Received> toOpen = open.received().subList(openBefore, open.received().size());
        List<StubAgent.Received> toSecret = secret.received().subList(secretBefore, secret.received().size());
        switch (seenBy) {
            case "A" -> {
                assertThat(toSecret).isEmpty();
                assertThat(toOpen).singleElement().extracting(StubAgent.Received::uri).isEqualTo(forwarded);
            }
            case "B" -> {
                assertThat(toOpen).isEmpty();
                assertThat(toSecret).singleElement().extracting(StubAgent.Received::uri).isEqualTo(forwarded);
            }
            default -> {
                assertThat(toOpen).isEmpty();
                assertThat(toSecret).isEmpty();
            }
        }
        assertThat(open.requestsStarted() + secret.requestsStarted() - openBefore - secretBefore)
                .isEqualTo(seenBy.equals("-") ? 0 : 1);
    }
}
