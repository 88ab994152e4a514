package io.runagents.ingress.jwt.verify;

/**
 * The strict compact form SPEC section 3 demands before any parsing: three non-empty base64url segments
 * ({@code ^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$}), each the canonical encoding of its bytes (no padding,
 * unused trailing bits zero). Exactly one spelling per token is what lets the verified-token cache key on the string.
 */
public final class CompactToken {

    /** What a string that is not a strict compact JWS looks like, for the rejection reason. */
    public enum Shape { JWS, JWE, INVALID }

    private static final byte[] DECODE = new byte[128];

    static {
        java.util.Arrays.fill(DECODE, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            DECODE[alphabet.charAt(i)] = (byte) i;
        }
    }

    private final String token;
    private final int firstDot;
    private final int secondDot;

    private CompactToken(String token, int firstDot, int secondDot) {
        this.token = token;
        this.firstDot = firstDot;
        this.secondDot = secondDot;
    }

    /**
     * Classifies {@code token} without decoding it: {@link Shape#JWE} for five base64url segments (the JWE compact
     * form, refused before anything is decoded so that e.g. a PBES2 {@code p2c} costs nothing), {@link Shape#JWS}
     * for three non-empty ones, otherwise {@link Shape#INVALID}.
     */
    public static Shape shape(String token) {
        int dots = 0;
        int segmentLength = 0;
        boolean emptySegment = false;
        for (int i = 0, n = token.length(); i < n; i++) {
            char c = token.charAt(i);
            if (c == '.') {
                emptySegment |= segmentLength == 0;
                segmentLength = 0;
                if (++dots > 4) {
                    return Shape.INVALID;
                }
            } else if (c < 128 && DECODE[c] >= 0) {
                segmentLength++;
            } else {
                return Shape.INVALID;
            }
        }
        emptySegment |= segmentLength == 0;
        if (dots == 4) {
            return Shape.JWE; // JWE segments may legitimately be empty; it is refused either way
        }
        return dots == 2 && !emptySegment ? Shape.JWS : Shape.INVALID;
    }

    /** Splits a token that {@link #shape} classified as {@link Shape#JWS}; null when it is not one. */
    public static CompactToken parse(String token) {
        if (shape(token) != Shape.JWS) {
            return null;
        }
        int first = token.indexOf('.');
        return new CompactToken(token, first, token.indexOf('.', first + 1));
    }

    /** The whole token. */
    public String token() {
        return token;
    }

    /** The decoded protected header, or null when its encoding is not canonical. */
    public byte[] header() {
        return decode(token, 0, firstDot);
    }

    /** The decoded payload, or null when its encoding is not canonical. */
    public byte[] payload() {
        return decode(token, firstDot + 1, secondDot);
    }

    /** The signature segment as text (Nimbus verifiers take it encoded). */
    public String signature() {
        return token.substring(secondDot + 1);
    }

    /** The JWS signing input: ASCII of {@code header '.' payload}. */
    public byte[] signingInput() {
        byte[] out = new byte[secondDot];
        for (int i = 0; i < secondDot; i++) {
            out[i] = (byte) token.charAt(i); // exact: shape() guaranteed ASCII
        }
        return out;
    }

    /** The decoded signature, or null when its encoding is not canonical. */
    public byte[] signatureBytes() {
        return decode(token, secondDot + 1, token.length());
    }

    /**
     * Decodes {@code s[from, to)} as unpadded base64url, or returns null when it is not the canonical encoding of
     * any byte string (length {@code 4k+1}, or non-zero bits in the last character's unused low bits).
     */
    public static byte[] decode(String s, int from, int to) {
        int len = to - from;
        if (len % 4 == 1) {
            return null;
        }
        byte[] out = new byte[len / 4 * 3 + (len % 4 == 0 ? 0 : len % 4 - 1)];
        int o = 0;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            int v = value(s, i) << 18 | value(s, i + 1) << 12 | value(s, i + 2) << 6 | value(s, i + 3);
            if (v < 0) {
                return null;
            }
            out[o++] = (byte) (v >> 16);
            out[o++] = (byte) (v >> 8);
            out[o++] = (byte) v;
        }
        int rest = to - i;
        if (rest == 2) {
            int a = value(s, i);
            int b = value(s, i + 1);
            if ((a | b) < 0 || (b & 0x0F) != 0) {
                return null;
            }
            out[o] = (byte) (a << 2 | b >> 4);
        } else if (rest == 3) {
            int a = value(s, i);
            int b = value(s, i + 1);
            int c = value(s, i + 2);
            if ((a | b | c) < 0 || (c & 0x03) != 0) {
                return null;
            }
            out[o++] = (byte) (a << 2 | b >> 4);
            out[o] = (byte) (b << 4 | c >> 2);
        }
        return out;
    }

    private static int value(String s, int i) {
        char c = s.charAt(i);
        return c < 128 ? DECODE[c] : -1;
    }
}
