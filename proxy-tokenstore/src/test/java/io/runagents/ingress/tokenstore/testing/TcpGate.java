package io.runagents.ingress.tokenstore.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback port in front of another loopback port, closed or open at will: while closed it accepts each connection
 * and closes it at once (a server that is down), while open it forwards the bytes both ways. For the tests of a
 * store whose database comes back.
 */
public final class TcpGate implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tcp-gate");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean open;

    /** A closed gate in front of {@code targetPort}. */
    public TcpGate(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From now on, connections reach the target. */
    public void open() {
        open = true;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (!open) {
                    client.close();
                    continue;
                }
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(target);
                threads.execute(() -> pump(client, target));
                threads.execute(() -> pump(target, client));
            } catch (IOException e) {
                // closed, or one connection failed: the next accept says which
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // either side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(TcpGate::closeQuietly);
        threads.shutdownNow();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
