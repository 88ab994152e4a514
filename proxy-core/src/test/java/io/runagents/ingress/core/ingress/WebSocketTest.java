package io.runagents.ingress.core.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.core.testing.WebSocketEchoAgent;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WebSocket upgrades are proxied (SPEC section 5): a real client and agent talk through the proxy. */
class WebSocketTest {
    private WebSocketEchoAgent agent;
    private ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        agent = WebSocketEchoAgent.start();
        proxy = ProxyServer.start(TestConfigs.snapshot(List.of(TestConfigs.openAgent("ws", "/", agent.uri()))), 2);
    }

    @AfterEach
    void stop() {
        proxy.close();
        agent.close();
    }

    @Test
    void textFramesEchoBothWaysThroughTheProxy() throws Exception {
        Collector messages = new Collector();
        URI uri = URI.create("ws://127.0.0.1:" + proxy.ingressAddress().getPort() + "/ws/chat");
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("X-End-User-ID", "mallory")
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, messages).get(10, TimeUnit.SECONDS);

        assertThat(messages.next()).isEqualTo("welcome"); // the agent speaks first
        for (int i = 0; i < 5; i++) {
            socket.sendText("hello " + i, true).get(5, TimeUnit.SECONDS);
            assertThat(messages.next()).isEqualTo("echo: hello " + i);
        }
        String big = "x".repeat(300 * 1024); // many TCP segments each way, relayed as raw bytes
        socket.sendText(big, true).get(10, TimeUnit.SECONDS);
        assertThat(messages.next()).isEqualTo("echo: " + big);

        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        assertThat(messages.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);

        assertThat(agent.handshakes()).singleElement().satisfies(headers -> {
            assertThat(headers.get("upgrade")).isEqualToIgnoringCase("websocket");
            assertThat(headers.get("connection")).isEqualToIgnoringCase("upgrade");
            assertThat(headers.get("x-forwarded-for")).isEqualTo("127.0.0.1");
            assertThat(headers.get("x-request-id")).isNotBlank();
            assertThat(headers.contains("x-end-user-id")).isFalse();
        });
    }

    /**
     * An upstream that speaks first sends its first bytes right behind the 101, often in the same segment: they
     * must reach the client, not be lost in the switch from HTTP to raw bytes. Here they are one write.
     */
    @Test
    void bytesTheUpstreamSendsWithThe101ReachTheClient() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ProxyServer server = ProxyServer.start(TestConfigs.snapshot(List.of(TestConfigs.openAgent("raw", "/",
                    URI.create("http://127.0.0.1:" + upstream.getLocalPort())))), 2);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.ingressAddress().getPort())) {
                client.setSoTimeout(10_000);
                client.getOutputStream().write(("GET /raw/feed HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                try (Socket agentSide = upstream.accept()) {
                    agentSide.setSoTimeout(10_000);
                    readHead(agentSide.getInputStream());
                    agentSide.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
                            + "first-frame").getBytes(StandardCharsets.US_ASCII));
                    InputStream in = client.getInputStream();
                    assertThat(readHead(in)).startsWith("HTTP/1.1 101");
                    assertThat(new String(in.readNBytes("first-frame".length()), StandardCharsets.US_ASCII))
                            .isEqualTo("first-frame");
                    // And the tunnel carries on both ways.
                    client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                    assertThat(new String(agentSide.getInputStream().readNBytes(4), StandardCharsets.US_ASCII))
                            .isEqualTo("ping");
                }
            } finally {
                server.close();
            }
        }
    }

    /** Reads up to and including the blank line that ends a head. */
    private static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the head's end").isNotNegative();
            head.append((char) b);
        }
        return head.toString();
    }

    /** Collects whole text messages (the client may deliver one in parts) and the close code. */
    private static final class Collector implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        String next() throws InterruptedException {
            String message = messages.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("a message within 10 s").isNotNull();
            return message;
        }
    }
}
