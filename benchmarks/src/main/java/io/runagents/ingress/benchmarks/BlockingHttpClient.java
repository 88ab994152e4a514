package io.runagents.ingress.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection over a plain socket, sending one prebuilt request at a time and
 * reading its whole response. Responses must carry {@code Content-Length} (the stub agent's do, and the
 * proxy keeps it). Deliberately minimal: a benchmark op should cost the client a write and a read.
 */
public final class BlockingHttpClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] buffer = new byte[16 * 1024];

    /** Connects to {@code address} with {@code TCP_NODELAY}. */
    public BlockingHttpClient(InetSocketAddress address) throws IOException {
        this.socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(address, 5_000);
        socket.setSoTimeout(10_000);
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    /** {@code GET path} with {@code host} and, when not null, {@code Authorization: Bearer token}. */
    public static byte[] get(String path, String host, String token) {
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "User-Agent: runagents-bench\r\n\r\n";
        return request.getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends {@code request} and returns the response's status code once its body has been read. */
    public int exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        int filled = 0;
        int headerEnd = -1;
        while (headerEnd < 0) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                throw new IOException("connection closed after " + filled + " bytes");
            }
            filled += n;
            headerEnd = HttpResponseScanner.headerEnd(buffer, 0, filled);
            if (headerEnd < 0 && filled == buffer.length) {
                throw new IOException("response head larger than " + buffer.length + " bytes");
            }
        }
        int status = HttpResponseScanner.status(buffer, 0);
        long length = HttpResponseScanner.contentLength(buffer, 0, headerEnd);
        if (length < 0) {
            throw new IOException("response without Content-Length");
        }
        long remaining = length - (filled - headerEnd);
        while (remaining > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new IOException("connection closed inside a body");
            }
            remaining -= n;
        }
        return status;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
