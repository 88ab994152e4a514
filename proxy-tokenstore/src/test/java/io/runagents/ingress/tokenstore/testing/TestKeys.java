package io.runagents.ingress.tokenstore.testing;

import io.runagents.ingress.tokenstore.Secret;

import java.util.Arrays;
import java.util.Base64;

/** Fixed key ring entries: deterministic, so a failing test can be replayed. */
public final class TestKeys {

    public static final String K1 = entry("k1", 1);
    public static final String K2 = entry("k2", 2);
    /** Another key under id k1: decrypts nothing k1 wrote. */
    public static final String K1_WRONG = entry("k1", 9);

    private TestKeys() {
    }

    /** {@code id:base64} of 32 bytes all equal to {@code fill}. */
    public static String entry(String id, int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return id + ":" + Base64.getEncoder().encodeToString(key);
    }

    /** A ring of the given entries, the first writing. */
    public static Secret ring(String... entries) {
        return Secret.of(String.join(",", entries));
    }
}
