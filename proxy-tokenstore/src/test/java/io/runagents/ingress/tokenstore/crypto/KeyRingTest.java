package io.runagents.ingress.tokenstore.crypto;

import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyRingTest {

    private static final String KEY16 = Base64.getEncoder().encodeToString(new byte[16]);

    @Test
    void theFirstEntryWritesAndAllAreKept() {
        KeyRing ring = KeyRing.parse(Secret.of(" " + TestKeys.K2 + " , " + TestKeys.K1));
        assertThat(ring.writeKeyId()).isEqualTo("k2");
        assertThat(ring.ids()).containsExactly("k2", "k1");
        assertThat(ring.toString()).isEqualTo("KeyRing[k2, k1]");
    }

    @Test
    void urlSafeBase64IsAccepted() {
        byte[] key = new byte[32];
        key[0] = (byte) 0xfb; // encodes with '-' or '_'
        key[1] = (byte) 0xff;
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        assertThat(KeyRing.parse(Secret.of("u:" + urlSafe)).ids()).containsExactly("u");
    }

    @Test
    void malformedSpecsSayWhatIsWrongWithoutShowingKeys() {
        assertRefused("nocolon" + KEY16, "encryption key entry 1 of 1: no ':' (expected: id:base64key)");
        assertRefused(TestKeys.K1 + ",", "encryption key entry 2 of 2: no ':' (expected: id:base64key)");
        assertRefused("bad id:" + KEY16, "encryption key entry 1: its id is not 1 to 32 of A-Z a-z 0-9 . _ - "
                + "(expected: id:base64key)");
        assertRefused(":" + KEY16, "encryption key entry 1: its id is not 1 to 32 of A-Z a-z 0-9 . _ - "
                + "(expected: id:base64key)");
        assertRefused("k:" + KEY16, "encryption key 'k': 16 bytes (expected: 32, e.g. openssl rand -base64 32)");
        assertRefused("k:not*base64", "encryption key 'k': not base64 (expected: id:base64key)");
        assertRefused(TestKeys.K1 + "," + TestKeys.K1_WRONG, "encryption key 'k1': listed twice (expected: unique ids)");
    }

    @Test
    void generatedSpecsParse() {
        Secret spec = KeyRing.generateSpec("local");
        assertThat(KeyRing.parse(spec).writeKeyId()).isEqualTo("local");
        assertThat(KeyRing.generateSpec("local")).isNotEqualTo(spec);
    }

    private static void assertRefused(String spec, String message) {
        assertThatThrownBy(() -> KeyRing.parse(Secret.of(spec)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY16));
    }
}
