package io.runagents.ingress.tokenstore.crypto;

import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.crypto.Binding.Purpose;
import io.runagents.ingress.tokenstore.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCipherTest {

    private static final GrantKey ALICE = new GrantKey("google", "alice@example.com", "github");
    private static final Binding ACCESS = new Binding(Purpose.ACCESS_TOKEN, ALICE);
    private static final Secret TOKEN = Secret.of("gho_16C7e42F292c6912E7710c838347Ae178B4a");

    private final TokenCipher k1 = cipher(TestKeys.K1);

    @Test
    void roundTripNamesTheKey() {
        byte[] sealed = k1.seal(ACCESS, TOKEN);
        assertThat(k1.open(ACCESS, sealed)).isEqualTo(new Decryption.Opened(TOKEN, "k1"));
        assertThat(TokenCipher.keyIdOf(sealed)).contains("k1");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(TOKEN.reveal());
    }

    @Test
    void everyEncryptionHasItsOwnNonce() {
        assertThat(k1.seal(ACCESS, TOKEN)).isNotEqualTo(k1.seal(ACCESS, TOKEN));
    }

    @Test
    void anyFlippedByteFailsAuthentication() {
        byte[] sealed = k1.seal(ACCESS, TOKEN);
        for (int i = 0; i < sealed.length; i++) {
            byte[] copy = sealed.clone();
            copy[i] ^= 0x01;
            assertThat(k1.open(ACCESS, copy)).as("byte %d", i).isInstanceOfAny(Decryption.Failed.class,
                    Decryption.KeyMissing.class); // flipping the key id may name an unknown key
        }
    }

    @Test
    void anotherRowOrColumnDoesNotDecrypt() {
        byte[] sealed = k1.seal(ACCESS, TOKEN);
        assertFails(k1.open(new Binding(Purpose.ACCESS_TOKEN, new GrantKey("google", "bob@example.com", "github")), sealed));
        assertFails(k1.open(new Binding(Purpose.ACCESS_TOKEN, new GrantKey("okta", "alice@example.com", "github")), sealed));
        assertFails(k1.open(new Binding(Purpose.ACCESS_TOKEN, new GrantKey("google", "alice@example.com", "jira")), sealed));
        assertFails(k1.open(new Binding(Purpose.REFRESH_TOKEN, ALICE), sealed));
        assertFails(k1.open(new Binding(Purpose.PENDING_ACCESS_TOKEN, ALICE), sealed));
    }

    @Test
    void fieldsAreLengthPrefixedSoBoundariesCannotShift() {
        byte[] sealed = k1.seal(new Binding(Purpose.ACCESS_TOKEN, new GrantKey("ab", "c", "t")), TOKEN);
        assertFails(k1.open(new Binding(Purpose.ACCESS_TOKEN, new GrantKey("a", "bc", "t")), sealed));
    }

    @Test
    void aWrongKeyUnderTheSameIdFailsAndAnUnknownIdIsMissing() {
        byte[] sealed = k1.seal(ACCESS, TOKEN);
        assertFails(cipher(TestKeys.K1_WRONG).open(ACCESS, sealed));
        assertThat(cipher(TestKeys.K2).open(ACCESS, sealed)).isEqualTo(new Decryption.KeyMissing("k1"));
    }

    @Test
    void olderKeysStillDecryptAfterRotation() {
        byte[] old = k1.seal(ACCESS, TOKEN);
        TokenCipher rotated = cipher(TestKeys.K2, TestKeys.K1);
        assertThat(rotated.open(ACCESS, old)).isEqualTo(new Decryption.Opened(TOKEN, "k1"));
        assertThat(TokenCipher.keyIdOf(rotated.seal(ACCESS, TOKEN))).contains("k2");
    }

    @Test
    void malformedCiphertextsAreFailuresNotExceptions() {
        for (byte[] bad : new byte[][] {new byte[0], {1}, {2, 2, 'k', '1'}, {1, 0, 0}, {1, 40, 'k'},
                {1, 2, 'k', '1', 0, 0, 0}, {1, 2, ' ', '1', 0, 0, 0}}) {
            assertFails(k1.open(ACCESS, bad));
        }
    }

    private static void assertFails(Decryption d) {
        assertThat(d).isInstanceOf(Decryption.Failed.class);
    }

    private static TokenCipher cipher(String... entries) {
        return new TokenCipher(KeyRing.parse(TestKeys.ring(entries)));
    }
}
