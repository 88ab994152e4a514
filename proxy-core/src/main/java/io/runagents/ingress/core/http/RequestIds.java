package io.runagents.ingress.core.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Request ids: a client's sane {@code X-Request-ID} is kept; otherwise a random 128-bit hex id. */
public final class RequestIds {
    private RequestIds() { }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_LENGTH = 128;

    /** True for 1..128 characters of {@code [A-Za-z0-9._:-]}: safe in logs, headers and JSON. */
    public static boolean isSane(CharSequence id) {
        int n = id.length();
        if (n == 0 || n > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] out = new byte[32];
        fill(out, 0, random.nextLong());
        fill(out, 16, random.nextLong());
        return new String(out, StandardCharsets.ISO_8859_1); // Latin-1 bytes: no char[] to compress
    }

    private static void fill(byte[] out, int offset, long bits) {
        for (int i = 15; i >= 0; i--) {
            out[offset + i] = HEX[(int) (bits & 0xf)];
            bits >>>= 4;
        }
    }
}
