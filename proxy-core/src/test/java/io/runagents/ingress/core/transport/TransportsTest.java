package io.runagents.ingress.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.uring.IoUring;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole suite runs on the preferred transport of this machine; this runs a relay exchange on each of the
 * others it offers, so a fallback (io_uring turned off, no native epoll) is not an untested path.
 */
@ResourceLock(Resources.SYSTEM_PROPERTIES)
class TransportsTest {
    private static final String PROPERTY = "runagents.transport";
    private final String before = System.getProperty(PROPERTY);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, before);
        }
    }

    @ParameterizedTest
    @EnumSource(Transports.class)
    void relaysOverEachAvailableTransport(Transports transport) throws Exception {
        assumeTrue(transport.isAvailable(), transport + " is not available here");
        System.setProperty(PROPERTY, transport.name().toLowerCase());
        try (StubAgent agent = StubAgent.start();
             ProxyServer proxy = ProxyServer.start(TestConfigs.snapshot(List.of(
                     TestConfigs.openAgent("echo", "/", agent.uri()))), 2);
             RawHttp client = new RawHttp(proxy.ingressAddress())) {
            assertThat(proxy.transport()).isEqualTo(transport);
            for (int i = 0; i < 50; i++) {
                assertThat(client.send("POST /t/" + i + " HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
                        .read().status()).isEqualTo(200);
            }
            assertThat(agent.received()).hasSize(50)
                    .allSatisfy(seen -> assertThat(seen.bodyBytes()).isEqualTo(5));
        }
    }

    @Test
    void anUnknownOrUnavailableChoiceFallsBackToTheFirstAvailable() {
        System.setProperty(PROPERTY, "carrier-pigeon");
        Transports chosen = Transports.best();
        assertThat(chosen.isAvailable()).isTrue();
        assertThat(List.of(Transports.values()).subList(0, chosen.ordinal()))
                .allSatisfy(better -> assertThat(better.isAvailable()).isFalse());
    }

    @Test
    void whereNettyHasIoUringTheProxysRingSizeWorksToo() {
        assumeTrue(IoUring.isAvailable(), "io_uring is not available here");
        assertThat(Transports.IO_URING.isAvailable()).isTrue();
        System.clearProperty(PROPERTY);
        assertThat(Transports.best()).isEqualTo(Transports.IO_URING);
    }

    @Test
    void datagramsNeverUseIoUring() {
        for (Transports transport : Transports.values()) {
            assertThat(transport.forDatagrams()).isNotEqualTo(Transports.IO_URING);
            assertThat(transport.forDatagrams().isAvailable()).isTrue();
        }
    }
}
