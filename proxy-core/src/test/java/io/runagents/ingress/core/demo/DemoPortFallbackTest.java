package io.runagents.ingress.core.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.runagents.ingress.core.transport.Transports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code bin/runagents demo --port P --admin-port A} when a port it prefers is taken, by another program
 * or by the demo's own egress ({@code P+1}): the listeners that cannot have their port start on free
 * ones, the others keep theirs, and what it prints names the ports really bound. io_uring and epoll
 * report a taken port differently from NIO, so the common cases run on each transport this machine has.
 */
@ResourceLock(Resources.SYSTEM_PROPERTIES)
class DemoPortFallbackTest {
    private static final String TRANSPORT = "runagents.transport";
    private static final Pattern PRINTED_PORT = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dataDir;

    private final String transportBefore = System.getProperty(TRANSPORT);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void restoreTransport() {
        if (transportBefore == null) {
            System.clearProperty(TRANSPORT);
        } else {
            System.setProperty(TRANSPORT, transportBefore);
        }
    }

    @ParameterizedTest
    @EnumSource(Transports.class)
    void aTakenIngressPortFallsBackAndTheAdminKeepsItsPort(Transports transport) throws Exception {
        use(transport);
        int admin = freePort();
        try (ServerSocket taken = occupy(0);
             Demo demo = Demo.start(taken.getLocalPort(), admin, dataDir)) {
            assertThat(demo.proxy().transport()).isEqualTo(transport);
            assertThat(port(demo.ingressUrl())).isNotEqualTo(taken.getLocalPort());
            assertThat(port(demo.adminUrl())).isEqualTo(admin);
            assertThat(printedPorts(demo)).doesNotContain(taken.getLocalPort());
            assertAliceReachesTheAgentAndTheTool(demo);
        }
    }

    @ParameterizedTest
    @EnumSource(Transports.class)
    void aTakenAdminPortFallsBackAndTheIngressKeepsItsPort(Transports transport) throws Exception {
        use(transport);
        int ingress = freePortFollowedByAFreePort();
        try (ServerSocket taken = occupy(0);
             Demo demo = Demo.start(ingress, taken.getLocalPort(), dataDir)) {
            assertThat(demo.proxy().transport()).isEqualTo(transport);
            assertThat(port(demo.ingressUrl())).isEqualTo(ingress);
            assertThat(port(demo.adminUrl())).isNotEqualTo(taken.getLocalPort());
            assertThat(printedPorts(demo)).doesNotContain(taken.getLocalPort());
            assertAliceReachesTheAgentAndTheTool(demo);
            assertThat(get(demo.adminUrl() + "/readyz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aTakenEgressPortFallsBackAndTheIngressKeepsItsPort() throws Exception {
        int ingress = freePortFollowedByAFreePort();
        try (ServerSocket taken = occupy(ingress + 1);
             Demo demo = Demo.start(ingress, 0, dataDir)) {
            assertThat(port(demo.ingressUrl())).isEqualTo(ingress);
            assertThat(port(demo.egressUrl())).isNotEqualTo(ingress + 1);
            assertThat(printedPorts(demo)).doesNotContain(ingress + 1);
            assertAliceReachesTheAgentAndTheTool(demo);
        }
    }

    /** {@code demo --port 19130 --admin-port 19131}: the admin port was asked for, the egress's is only derived. */
    @Test
    void anAdminPortRightAfterTheIngressPortKeepsTheEgressOffIt() throws Exception {
        int ingress = freePortFollowedByAFreePort();
        try (Demo demo = Demo.start(ingress, ingress + 1, dataDir)) {
            assertThat(port(demo.ingressUrl())).isEqualTo(ingress);
            assertThat(port(demo.adminUrl())).isEqualTo(ingress + 1);
            assertThat(port(demo.egressUrl())).isNotIn(ingress, ingress + 1);
            assertAliceReachesTheAgentAndTheTool(demo);
        }
    }

    /** Only a taken port is worked around: any other failure at start still stops the demo. */
    @Test
    void aFailureThatIsNotATakenPortIsNotHidden() throws Exception {
        Path notADirectory = Files.writeString(dataDir.resolve("file"), "");
        int ingress = freePortFollowedByAFreePort();
        int admin = freePort();
        // The demo's conf directory goes into the data directory first: that is what fails here.
        assertThatThrownBy(() -> Demo.start(ingress, admin, notADirectory).close())
                .isInstanceOf(FileSystemException.class).hasMessageContaining(notADirectory.toString());
    }

    private static void use(Transports transport) {
        assumeTrue(transport.isAvailable(), transport + " is not available here");
        System.setProperty(TRANSPORT, transport.name().toLowerCase());
    }

    /** A listening socket on 127.0.0.1, as another program on the machine would hold it. */
    private static ServerSocket occupy(int port) throws IOException {
        return new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = occupy(0)) {
            return socket.getLocalPort();
        }
    }

    /** A free port {@code P} with {@code P+1} free too, for tests that steer the demo's egress ({@code P+1}). */
    private static int freePortFollowedByAFreePort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket first = occupy(0)) {
                int port = first.getLocalPort();
                if (port < 65535 && canBind(port + 1)) {
                    return port;
                }
            }
        }
        throw new IllegalStateException("no two consecutive free ports on 127.0.0.1");
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int port(String url) {
        return URI.create(url).getPort();
    }

    /** Every port the printed instructions send a person to; they include the three listeners' URLs. */
    private static List<Integer> printedPorts(Demo demo) {
        String printed = demo.instructions();
        assertThat(printed).contains(demo.ingressUrl() + "/agent/hello").contains(demo.adminUrl())
                .contains(demo.egressUrl() + "/tools/echo/lookup");
        return PRINTED_PORT.matcher(printed).results().map(match -> Integer.parseInt(match.group(1))).toList();
    }

    /** Alice's request through the ingress, then the agent's tool call through the egress with her context. */
    private void assertAliceReachesTheAgentAndTheTool(Demo demo) throws Exception {
        HttpResponse<String> agent = get(demo.ingressUrl() + "/agent/hello", "Authorization",
                "Bearer " + demo.aliceToken());
        assertThat(agent.statusCode()).isEqualTo(200);
        Map<String, Object> received = JSONObjectUtils.getJSONObject(JSONObjectUtils.parse(agent.body()), "headers");
        assertThat(received).containsEntry("x-end-user-id", Demo.ALICE);

        HttpResponse<String> tool = get(demo.egressUrl() + "/tools/echo/lookup", "X-End-User-Context",
                (String) received.get("x-end-user-context"));
        assertThat(tool.statusCode()).isEqualTo(200);
        assertThat(tool.body()).contains("\"x-end-user-id\":\"" + Demo.ALICE + "\"");
    }

    /** A GET with {@code headers} as name, value, name, value... */
    private HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
