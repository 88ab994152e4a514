package io.runagents.ingress.benchmarks;

/**
 * Just enough HTTP/1.1 response parsing for the benchmark clients: where the head ends, the status code
 * and {@code Content-Length}. Works on byte arrays so that a client reading into one buffer parses in
 * place, without building strings per response.
 */
public final class HttpResponseScanner {
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private HttpResponseScanner() { }

    /** The index just past {@code \r\n\r\n} in {@code bytes[from, to)}, or -1 when the head is not complete. */
    public static int headerEnd(byte[] bytes, int from, int to) {
        for (int i = from + 3; i < to; i++) {
            if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** The three-digit status of a head starting at {@code from} ({@code HTTP/1.1 200 ...}). */
    public static int status(byte[] bytes, int from) {
        int i = from + 9;
        return (bytes[i] - '0') * 100 + (bytes[i + 1] - '0') * 10 + (bytes[i + 2] - '0');
    }

    /** The {@code Content-Length} value in the head {@code bytes[from, headEnd)}, or -1 when absent. */
    public static long contentLength(byte[] bytes, int from, int headEnd) {
        for (int i = from; i < headEnd; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            int name = i + 1;
            if (regionMatchesIgnoreCase(bytes, name, headEnd, CONTENT_LENGTH)) {
                long value = 0;
                for (int j = name + CONTENT_LENGTH.length; j < headEnd; j++) {
                    byte b = bytes[j];
                    if (b >= '0' && b <= '9') {
                        value = value * 10 + (b - '0');
                    } else if (b == '\r') {
                        return value;
                    } else if (b != ' ' && b != '\t') {
                        return -1;
                    }
                }
            }
        }
        return -1;
    }

    private static boolean regionMatchesIgnoreCase(byte[] bytes, int at, int end, byte[] lowerCase) {
        if (at + lowerCase.length > end) {
            return false;
        }
        for (int k = 0; k < lowerCase.length; k++) {
            int b = bytes[at + k];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lowerCase[k]) {
                return false;
            }
        }
        return true;
    }
}
