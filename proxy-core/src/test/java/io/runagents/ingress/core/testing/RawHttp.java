package io.runagents.ingress.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A raw HTTP/1.1 client over a plain socket, for requests no well-behaved client would send (smuggling,
 * odd hosts, pipelining) and for reading responses exactly as they come off the wire.
 */
public final class RawHttp implements AutoCloseable {
    /** One parsed response; {@code complete} is false when the connection ended before the body did. */
    public record Response(int status, Map<String, String> headers, String body, boolean complete) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(InetSocketAddress address) throws IOException {
        this(new Socket(address.getAddress(), address.getPort()));
    }

    /** Over a socket already connected (a TLS socket, say). */
    public RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        in = new java.io.BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Opens a connection, sends {@code raw}, reads one response and closes. */
    public static Response exchange(InetSocketAddress address, String raw) throws IOException {
        try (RawHttp client = new RawHttp(address)) {
            return client.send(raw).read();
        }
    }

    /** {@code GET path} with {@code Host: host} and any extra header lines ({@code "Name: value"}), on a new connection. */
    public static Response get(InetSocketAddress address, String host, String path, String... headerLines)
            throws IOException {
        StringBuilder raw = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host)
                .append("\r\n");
        for (String line : headerLines) {
            raw.append(line).append("\r\n");
        }
        return exchange(address, raw.append("\r\n").toString());
    }

    /** Sends text as ISO-8859-1 bytes, exactly as given. */
    public RawHttp send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    public OutputStream output() {
        return out;
    }

    public InputStream input() {
        return in;
    }

    /** Reads one response (status line, headers, body by Content-Length, chunked, or until close). */
    public Response read() throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        if (status / 100 == 1 && status != 101) {
            return new Response(status, headers, "", true);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean complete = true;
        String length = headers.get("content-length");
        if (status == 204 || status == 304 || status == 101) {
            return new Response(status, headers, "", true);
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            complete = readChunked(body);
        } else if (length != null) {
            long n = Long.parseLong(length);
            for (long i = 0; i < n; i++) {
                int b = in.read();
                if (b < 0) {
                    complete = false;
                    break;
                }
                body.write(b);
            }
        } else {
            in.transferTo(body);
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8), complete);
    }

    /** Reads the head of a response to a HEAD request (no body follows). */
    public Response readHead() throws IOException {
        String statusLine = readLine();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Response(status, headers, "", true);
    }

    private boolean readChunked(ByteArrayOutputStream body) throws IOException {
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                return false;
            }
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                String trailer;
                while ((trailer = readLine()) != null && !trailer.isEmpty()) {
                    // trailers are ignored
                }
                return trailer != null;
            }
            for (int i = 0; i < size; i++) {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                body.write(b);
            }
            readLine();
        }
    }

    /** True when the server closed the connection (EOF or reset) within the socket timeout. */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** Lines up to and including {@code last} (or up to the end of the stream). */
    public java.util.List<String> readLinesUntil(String last) throws IOException {
        java.util.List<String> lines = new java.util.ArrayList<>();
        String line;
        do {
            line = readLine();
            if (line == null) {
                break;
            }
            lines.add(line);
        } while (!line.equals(last));
        return lines;
    }

    /** Reads one line (without its CRLF or LF); null at the end of the stream. */
    public String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) b);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    public void setTimeoutMillis(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
