package io.runagents.ingress.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which Host and Origin the console and {@code /admin/*} answer (SPEC section 10), rule by rule. */
class AdminHostGuardTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 9901);
    private final AdminHostGuard guard = new AdminHostGuard(() -> List.of("admin.corp.example", "Ops.Example."));

    private Optional<Integer> status(HttpMethod method, InetSocketAddress local, String host, String origin) {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (host != null) {
            headers.set("Host", host);
        }
        if (origin != null) {
            headers.set("Origin", origin);
        }
        return guard.check(method, headers, local).map(reply -> reply.status().code());
    }

    @Test
    void theListenersOwnAddressLocalhostAndListedNamesAreAnswered() {
        assertThat(status(HttpMethod.GET, LOOPBACK, "127.0.0.1:9901", null)).isEmpty();
        assertThat(status(HttpMethod.GET, LOOPBACK, "127.0.0.1", null)).isEmpty();
        assertThat(status(HttpMethod.GET, LOOPBACK, "LocalHost:9901", null)).isEmpty();
        assertThat(status(HttpMethod.GET, LOOPBACK, "admin.corp.example", null)).isEmpty();
        assertThat(status(HttpMethod.GET, LOOPBACK, "ops.example:443", null)).as("listed with a dot, any case")
                .isEmpty();
        InetSocketAddress v6 = new InetSocketAddress("::1", 9901);
        assertThat(status(HttpMethod.GET, v6, "[::1]:9901", null)).isEmpty();
        InetSocketAddress podIp = new InetSocketAddress("10.1.2.3", 9901);
        assertThat(status(HttpMethod.GET, podIp, "10.1.2.3:9901", null)).as("the address the connection reached")
                .isEmpty();
    }

    @Test
    void aRebindingNameAnotherAddressOrNoHostIs421() {
        assertThat(status(HttpMethod.PUT, LOOPBACK, "attacker.example:9901", null)).hasValue(421);
        assertThat(status(HttpMethod.GET, LOOPBACK, "attacker.example", null)).hasValue(421);
        assertThat(status(HttpMethod.GET, LOOPBACK, "localhost.attacker.example", null)).hasValue(421);
        assertThat(status(HttpMethod.GET, LOOPBACK, "127.0.0.2:9901", null)).hasValue(421);
        assertThat(status(HttpMethod.GET, LOOPBACK, "[::1]:9901", null)).as("not the address reached").hasValue(421);
        assertThat(status(HttpMethod.GET, LOOPBACK, "2130706433", null)).as("no name is resolved").hasValue(421);
        assertThat(status(HttpMethod.GET, LOOPBACK, null, null)).hasValue(421);
        assertThat(status(HttpMethod.GET, LOOPBACK, "bad host", null)).hasValue(421);
        assertThat(status(HttpMethod.GET, null, "127.0.0.1", null)).as("no local address: names only").hasValue(421);
    }

    @Test
    void aStateChangingRequestFromAnotherOriginIs403() {
        for (HttpMethod method : List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH)) {
            assertThat(status(method, LOOPBACK, "127.0.0.1:9901", "https://attacker.example")).hasValue(403);
            assertThat(status(method, LOOPBACK, "127.0.0.1:9901", "http://localhost:3000"))
                    .as("another port is another site").hasValue(403);
            assertThat(status(method, LOOPBACK, "127.0.0.1:9901", "null")).hasValue(403);
            assertThat(status(method, LOOPBACK, "127.0.0.1:9901", "not a url")).hasValue(403);
            assertThat(status(method, LOOPBACK, "127.0.0.1:9901", "http://127.0.0.1:9901")).isEmpty();
            assertThat(status(method, LOOPBACK, "127.0.0.1:9901", "http://localhost:9901")).isEmpty();
            assertThat(status(method, LOOPBACK, "admin.corp.example", "https://admin.corp.example")).isEmpty();
            assertThat(status(method, LOOPBACK, "127.0.0.1:9901", null)).as("the CLI sends no Origin").isEmpty();
        }
        assertThat(status(HttpMethod.GET, LOOPBACK, "127.0.0.1:9901", "https://attacker.example"))
                .as("a read: the browser keeps its answer from the other origin (no CORS headers)").isEmpty();
        assertThat(status(HttpMethod.GET, LOOPBACK, "attacker.example", "http://attacker.example")).hasValue(421);
    }
}
