package io.runagents.ingress.tokenstore.crypto;

import io.runagents.ingress.tokenstore.GrantKey;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where a ciphertext belongs: the associated data it is sealed with. A ciphertext copied to another user's row,
 * another tool's, another provider's, or into another column (an access token where a refresh token belongs, a
 * pending grant's token into an active grant) fails authentication.
 *
 * @param purpose which column
 * @param key whose row
 */
public record Binding(Purpose purpose, GrantKey key) {

    /** The column a ciphertext is for. */
    public enum Purpose {
        ACCESS_TOKEN("access_token"),
        REFRESH_TOKEN("refresh_token"),
        PENDING_ACCESS_TOKEN("pending_access_token"),
        PENDING_REFRESH_TOKEN("pending_refresh_token"),
        VERIFIER("pkce_verifier"),
        STATE("state");

        private final String label;

        Purpose(String label) {
            this.label = label;
        }
    }

    public Binding {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(key, "key");
    }

    /**
     * The associated data: each field as a 4-byte big-endian length and its UTF-8 bytes, so that no two different
     * field lists encode alike (("ab", "c") is not ("a", "bc")).
     */
    byte[] associatedData(byte[] header) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.writeBytes(header);
        for (String field : new String[] {purpose.label, key.provider(), key.userId(), key.tool()}) {
            byte[] b = field.getBytes(StandardCharsets.UTF_8);
            out.write(b.length >>> 24);
            out.write(b.length >>> 16);
            out.write(b.length >>> 8);
            out.write(b.length);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }
}
