package io.runagents.ingress.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.JwksSettings;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A JWKS endpoint that hangs while a request waits on it for an unknown kid: the waiting request is held (reading
 * paused, no event loop blocked), everything else keeps its latency, and the held request is answered when the
 * endpoint answers or the fetch times out.
 */
class HangingJwksTest {
    static final String SLOW = "slow.example.test";
    static final String FAST = "fast.example.test";
    static final String OPEN = "open.example.test";

    private StubJwksServer slowJwks;
    private StubJwksServer fastJwks;
    private StubAgent agent;
    private ProxyServer proxy;
    private final List<RawHttp> connections = new ArrayList<>();

    @BeforeEach
    void stubs() throws Exception {
        slowJwks = new StubJwksServer().jwks(TestKeys.jwks(TestKeys.rsa()));
        fastJwks = new StubJwksServer().jwks(TestKeys.jwks(TestKeys.ec256()));
        agent = StubAgent.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (RawHttp c : connections) {
            c.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        agent.close();
        slowJwks.close();
        fastJwks.close();
    }

    private void startProxy(int fetchTimeoutMillis) throws InterruptedException {
        List<IdentityProvider> providers = List.of(
                TestConfigs.provider("slow", slowJwks.uri()).host(SLOW).build(),
                TestConfigs.provider("fast", fastJwks.uri()).host(FAST).build());
        List<Agent> agents = List.of(TestConfigs.authenticatedAgent("slow-agent", SLOW, "/", agent.uri(), null),
                TestConfigs.authenticatedAgent("fast-agent", FAST, "/", agent.uri(), null),
                new Agent("open-agent", OPEN, "/", List.of(agent.uri()), false,
                        io.runagents.ingress.config.model.Access.OPEN, null, 30, null));
        JwksSettings jwks = new JwksSettings(300, 1, 86400, fetchTimeoutMillis);
        // Two event loops for many connections: the held request shares its loop with the measured ones.
        proxy = ProxyServer.start(TestConfigs.snapshot(TestConfigs.settings(Limits.DEFAULTS, jwks,
                TestConfigs.newDataDir()), agents, providers), 2);
    }

    private RawHttp connect() throws Exception {
        RawHttp c = new RawHttp(proxy.ingressAddress());
        connections.add(c);
        return c;
    }

    private static String request(String host, String path, String token) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
    }

    /**
     * Sends a request whose token has a kid the slow provider does not know yet: it waits on the JWKS fetch. With a
     * body, which the proxy holds back with the head.
     */
    private RawHttp sendHeld(String path, int bodyBytes) throws Exception {
        RawHttp held = connect();
        String token = TestTokens.signedBy(TestKeys.rsa2()).claim("jti", path).sign();
        held.send("POST " + path + " HTTP/1.1\r\nHost: " + SLOW + "\r\nAuthorization: Bearer " + token
                + "\r\nContent-Length: " + bodyBytes + "\r\n\r\n" + "x".repeat(bodyBytes));
        return held;
    }

    private long heldRequestsSeenByAgent() {
        return agent.received().stream().filter(r -> r.uri().startsWith("/held")).count();
    }

    @Test
    void hangingJwksDoesNotSlowOtherProvidersOrOpenRoutesAndTheHeldRequestResumes() throws Exception {
        startProxy(5000);
        String slowCached = TestTokens.signedBy(TestKeys.rsa()).sign();
        String fastToken = TestTokens.signedBy(TestKeys.ec256()).sign();
        String[] calls = {request(FAST, "/f", fastToken), request(OPEN, "/o", null), request(SLOW, "/s", slowCached)};
        List<RawHttp> clients = List.of(connect(), connect(), connect());
        for (int i = 0; i < 20; i++) { // warm: connections to the agent, JIT, cached tokens
            for (int c = 0; c < calls.length; c++) {
                assertThat(clients.get(c).send(calls[c]).read().status()).isEqualTo(200);
            }
        }
        KeyLifecycleTest.awaitRefetchAllowed(proxy, "slow");

        slowJwks.jwks(TestKeys.jwks(TestKeys.rsa(), TestKeys.rsa2()));
        slowJwks.hold();
        int fetchesBefore = slowJwks.requests();
        RawHttp held1 = sendHeld("/held/1", 32 * 1024);
        RawHttp held2 = sendHeld("/held/2", 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> slowJwks.requests() == fetchesBefore + 1);

        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            for (int c = 0; c < calls.length; c++) {
                long start = System.nanoTime();
                RawHttp.Response response = clients.get(c).send(calls[c]).read();
                latencies.add(System.nanoTime() - start);
                assertThat(response.status()).isEqualTo(200);
            }
        }
        latencies.sort(null);
        long p99Millis = latencies.get((int) (latencies.size() * 0.99)) / 1_000_000;
        assertThat(p99Millis).as("p99 latency (ms) of other traffic while the JWKS hangs").isLessThan(200);
        assertThat(heldRequestsSeenByAgent()).as("held requests reached the agent before their keys").isZero();
        assertThat(slowJwks.requests()).as("waiting requests share one fetch").isEqualTo(fetchesBefore + 1);

        slowJwks.release();
        assertThat(held1.read().status()).isEqualTo(200);
        assertThat(held2.read().status()).isEqualTo(200);
        assertThat(heldRequestsSeenByAgent()).isEqualTo(2);
        assertThat(agent.received()).filteredOn(r -> r.uri().equals("/held/1")).singleElement()
                .satisfies(r -> assertThat(r.bodyBytes()).as("the held body, whole").isEqualTo(32 * 1024));
        // the connection that waited is as good as new
        assertThat(held1.send(request(SLOW, "/after", slowCached)).read().status()).isEqualTo(200);
    }

    @Test
    void endpointHangingPastTheFetchTimeoutAnswersTheHeldRequestWithTheKeysItHas() throws Exception {
        startProxy(1000);
        KeyLifecycleTest.awaitRefetchAllowed(proxy, "slow");
        slowJwks.hold(); // never released: the stub would hang for 10 s

        long start = System.nanoTime();
        RawHttp held = sendHeld("/held/timeout", 10_000);
        RawHttp.Response response = held.read();
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("www-authenticate"))
                .contains("error_description=\"no key in the provider's JWKS has the token's kid\"");
        assertThat(waitedMillis).isBetween(900L, 5000L);
        assertThat(heldRequestsSeenByAgent()).isZero();
        assertThat(held.send(request(FAST, "/f", TestTokens.signedBy(TestKeys.ec256()).sign())).read().status())
                .as("the refused body was drained; the connection goes on").isEqualTo(200);
        assertThat(connect().send(request(SLOW, "/s", TestTokens.signedBy(TestKeys.rsa()).sign())).read().status())
                .as("the provider's known keys still work").isEqualTo(200);
    }

    @Test
    void pipelinedRequestsWaitBehindAHeldOneAndAClientLeavingWhileHeldLeavesNothingBehind() throws Exception {
        startProxy(5000);
        KeyLifecycleTest.awaitRefetchAllowed(proxy, "slow");
        slowJwks.jwks(TestKeys.jwks(TestKeys.rsa(), TestKeys.rsa2()));
        slowJwks.hold();
        int fetchesBefore = slowJwks.requests();

        RawHttp leaver = sendHeld("/held/leaver", 1000);
        RawHttp pipelined = connect();
        pipelined.send(request(SLOW, "/held/first", TestTokens.signedBy(TestKeys.rsa2()).claim("jti", "p").sign())
                + request(OPEN, "/second", null));
        await().atMost(Duration.ofSeconds(5)).until(() -> slowJwks.requests() == fetchesBefore + 1);
        leaver.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.ingressConnections().openConnections() == 1);
        assertThat(agent.received()).as("nothing passes a held request on its connection").isEmpty();

        slowJwks.release();
        RawHttp.Response first = pipelined.read();
        RawHttp.Response second = pipelined.read();
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).contains("\"/held/first\"");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body()).contains("\"/second\"");
        assertThat(agent.received()).extracting(StubAgent.Received::uri).containsExactly("/held/first", "/second");
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.ingressConnections().inFlight() == 0);
    }
}
