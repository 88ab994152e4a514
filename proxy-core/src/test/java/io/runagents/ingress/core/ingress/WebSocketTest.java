package io.runagents.ingress.core.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.core.testing.WebSocketEchoAgent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
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
