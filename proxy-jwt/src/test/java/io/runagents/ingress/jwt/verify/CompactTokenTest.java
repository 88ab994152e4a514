package io.runagents.ingress.jwt.verify;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class CompactTokenTest {

    @Test
    void decodeAgreesWithTheJdkOnCanonicalInput() {
        Random random = new Random(42);
        for (int len = 0; len < 64; len++) {
            byte[] bytes = new byte[len];
            random.nextBytes(bytes);
            String s = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            assertThat(CompactToken.decode(s, 0, s.length())).isEqualTo(bytes);
        }
    }

    @Test
    void nonCanonicalEncodingsHaveNoValue() {
        assertThat(CompactToken.decode("QQ", 0, 2)).containsExactly('A');
        assertThat(CompactToken.decode("QR", 0, 2)).isNull(); // unused low bits set
        assertThat(CompactToken.decode("QUE", 0, 3)).containsExactly('A', 'A');
        assertThat(CompactToken.decode("QUF", 0, 3)).isNull();
        assertThat(CompactToken.decode("QUFBQ", 0, 5)).isNull(); // 4k+1 characters
        assertThat(CompactToken.decode("QQ==", 0, 4)).isNull();
    }

    @Test
    void shapes() {
        assertThat(CompactToken.shape("a.b.c")).isEqualTo(CompactToken.Shape.JWS);
        assertThat(CompactToken.shape("a..c")).isEqualTo(CompactToken.Shape.INVALID);
        assertThat(CompactToken.shape("a.b.c.d.e")).isEqualTo(CompactToken.Shape.JWE);
        assertThat(CompactToken.shape("a..c.d.e")).isEqualTo(CompactToken.Shape.JWE);
        assertThat(CompactToken.shape("a.b.c.d.e.f")).isEqualTo(CompactToken.Shape.INVALID);
        assertThat(CompactToken.shape("a.b+.c")).isEqualTo(CompactToken.Shape.INVALID);
        assertThat(CompactToken.shape("a.b.c=")).isEqualTo(CompactToken.Shape.INVALID);
    }
}
