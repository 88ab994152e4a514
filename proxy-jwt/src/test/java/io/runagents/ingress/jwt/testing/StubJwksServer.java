package io.runagents.ingress.jwt.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JWKS endpoint on {@code 127.0.0.1:0} whose answer tests change at will: body, status, {@code Cache-Control},
 * and a latch that holds every answer back (a slow provider without sleeping). Counts requests.
 */
public final class StubJwksServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stub-jwks");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger requests = new AtomicInteger();
    private volatile byte[] body = "{\"keys\":[]}".getBytes(StandardCharsets.UTF_8);
    private volatile int status = 200;
    private volatile String cacheControl;
    private volatile String location;
    private volatile CountDownLatch hold;
    private volatile boolean chunked;

    public StubJwksServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** The JWKS URI ({@code http://127.0.0.1:port/jwks}). */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
    }

    public StubJwksServer jwks(String json) {
        this.body = json.getBytes(StandardCharsets.UTF_8);
        this.status = 200;
        return this;
    }

    public StubJwksServer body(byte[] bytes) {
        this.body = bytes;
        return this;
    }

    /** Send bodies chunked (no Content-Length), so a size cap must be enforced while streaming. */
    public StubJwksServer chunked(boolean chunked) {
        this.chunked = chunked;
        return this;
    }

    public StubJwksServer status(int status) {
        this.status = status;
        return this;
    }

    public StubJwksServer cacheControl(String value) {
        this.cacheControl = value;
        return this;
    }

    /** Answer with a redirect to {@code target}. */
    public StubJwksServer redirectTo(String target) {
        this.location = target;
        this.status = 302;
        return this;
    }

    /** Hold every answer until the returned latch is counted down (or 10 s pass). */
    public CountDownLatch hold() {
        CountDownLatch latch = new CountDownLatch(1);
        this.hold = latch;
        return latch;
    }

    /** Answer at once again, releasing held requests. */
    public void release() {
        CountDownLatch h = hold;
        hold = null;
        if (h != null) {
            h.countDown();
        }
    }

    /** Requests received so far. */
    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            CountDownLatch h = hold;
            if (h != null) {
                try {
                    h.await(10, TimeUnit.SECONDS); // the "10 s slow endpoint"; tests release it early
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (cacheControl != null) {
                exchange.getResponseHeaders().set("Cache-Control", cacheControl);
            }
            if (location != null && status / 100 == 3) {
                exchange.getResponseHeaders().set("Location", location);
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            byte[] b = body;
            exchange.sendResponseHeaders(status, b.length == 0 ? -1 : chunked ? 0 : b.length);
            if (b.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(b);
                }
            }
        } catch (IOException e) {
            // the client gave up (timeout or size cap): expected in some tests
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        threads.shutdownNow();
    }
}
