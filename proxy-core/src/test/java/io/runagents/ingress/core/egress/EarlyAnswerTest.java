package io.runagents.ingress.core.egress;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.Behaviors;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An upstream that answers before the request's body has arrived (here: before the client, which sent
 * {@code Expect: 100-continue}, sent any of it) leaves the body unread, so the connection cannot carry another
 * request: the answer goes out with {@code Connection: close} and the connection closes after it (RFC 9110
 * section 10.1.1), at the ingress and at the egress. Before, the client reused the connection and its next
 * request got no answer.
 */
class EarlyAnswerTest {
    private static final RSAKey IDP_KEY = TestKeys.rsa();
    private static final String UPLOAD = "POST /early/upload HTTP/1.1\r\nHost: portal.example.test\r\n"
            + "Expect: 100-continue\r\nContent-Length: 5000000\r\n";

    private StubJwksServer jwks;
    private StubAgent agent;
    private StubAgent tool;
    private ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        jwks = new StubJwksServer().jwks(TestKeys.jwks(IDP_KEY));
        agent = StubAgent.start().onHead("/early", Behaviors.ECHO);
        tool = StubAgent.start().onHead("/early", Behaviors.ECHO);
        List<Agent> agents = List.of(
                TestConfigs.openAgent("open", "/early", agent.uri()),
                new Agent("assistant", null, "/ask", List.of(agent.uri()), false, Access.AUTHENTICATED, null, 30,
                        null));
        ConfigSnapshot snapshot = new ConfigSnapshot(1, Instant.now(), TestConfigs.settings(Limits.DEFAULTS),
                List.of(TestTokens.provider("corp", jwks.uri(), List.of("company.com"))), agents,
                List.of(new Tool("files", tool.uri(), ToolAuth.NONE)), List.of());
        proxy = ProxyServer.start(snapshot, 2, ContextSigningKey.generate());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        for (AutoCloseable c : List.of(agent, tool, jwks)) {
            c.close();
        }
    }

    @Test
    void anAgentAnsweringBeforeTheBodyClosesTheClientConnectionAfterTheAnswer() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response response = client.send(UPLOAD + "\r\n").read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(client.closedByPeer()).as("no second request on this connection").isTrue();
        }
    }

    @Test
    void aToolAnsweringBeforeTheBodyClosesTheAgentConnectionAfterTheAnswer() throws Exception {
        String context = contextForAlice();
        try (RawHttp client = new RawHttp(proxy.egressAddress())) {
            RawHttp.Response response = client.send(UPLOAD.replace("/early/upload", "/tools/files/early/upload")
                    + "X-End-User-Context: " + context + "\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(client.closedByPeer()).as("no second request on this connection").isTrue();
        }
    }

    @Test
    void aBodylessRequestAnsweredAtItsHeadKeepsTheConnection() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            for (int i = 0; i < 2; i++) {
                RawHttp.Response response = client.send("GET /early/x HTTP/1.1\r\nHost: portal.example.test\r\n\r\n")
                        .read();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("connection")).as("request %d", i).isNull();
            }
        }
    }

    private String contextForAlice() throws Exception {
        String token = TestTokens.signedBy(IDP_KEY).claim("email", "alice@company.com").sign();
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            assertThat(client.send("GET /ask HTTP/1.1\r\nHost: portal.example.test\r\nAuthorization: Bearer " + token
                    + "\r\n\r\n").read().status()).isEqualTo(200);
        }
        return agent.received().get(agent.received().size() - 1).header("X-End-User-Context");
    }
}
