package io.runagents.ingress.jwt.verify;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrictJsonTest {

    @Test
    void parsesValues() throws Exception {
        Object v = StrictJson.parse(" {\"a\":[1,-2.5e1,true,false,null,\"x\\u00e9\\n\\\"\"],\"b\":{}} ");
        assertThat(v).isEqualTo(Map.of("a", java.util.Arrays.asList(1L, -25.0, true, false, null, "x\u00e9\n\""),
                "b", Map.of()));
        assertThat(StrictJson.parse("123456789012345678")).isEqualTo(123456789012345678L);
        assertThat(StrictJson.parse("12345678901234567890")).isInstanceOf(Double.class);
        assertThat(StrictJson.parse("1e400")).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void refusesWhatLenientParsersAccept() {
        for (String bad : List.of("", "{", "{\"a\":1,}", "[1,]", "01", "1.", ".5", "+1", "{'a':1}", "{\"a\":1} x",
                "\"\u0001\"", "\"\\x\"", "NaN", "Infinity", "tru", "{\"a\" 1}", "[1 2]", "\"abc", "\"\\u12\"")) {
            assertThatThrownBy(() -> StrictJson.parse(bad)).as(bad).isInstanceOf(StrictJson.JsonException.class);
        }
    }

    @Test
    void duplicatesAtAnyDepth() {
        assertThatThrownBy(() -> StrictJson.parse("{\"a\":1,\"a\":1}"))
                .isInstanceOfSatisfying(StrictJson.JsonException.class, e -> assertThat(e.duplicate()).isTrue());
        assertThatThrownBy(() -> StrictJson.parse("{\"x\":[{\"b\":1,\"b\":2}]}"))
                .isInstanceOfSatisfying(StrictJson.JsonException.class, e -> assertThat(e.duplicate()).isTrue());
        // Escapes do not hide a duplicate.
        assertThatThrownBy(() -> StrictJson.parse("{\"sub\":1,\"s\\u0075b\":2}"))
                .isInstanceOfSatisfying(StrictJson.JsonException.class, e -> assertThat(e.duplicate()).isTrue());
    }

    @Test
    void deepNestingIsRefusedWithoutExhaustingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> StrictJson.parse(deep)).hasMessageContaining("nested deeper");
        String ok = "[".repeat(StrictJson.MAX_DEPTH) + "]".repeat(StrictJson.MAX_DEPTH);
        assertThat(catchNothing(ok)).isNotNull();
    }

    @Test
    void invalidUtf8IsRefused() {
        assertThatThrownBy(() -> StrictJson.parse(new byte[] {'"', (byte) 0xff, '"'})).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> StrictJson.parse(new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'}))
                .hasMessageContaining("UTF-8");
    }

    private static Object catchNothing(String json) {
        try {
            return StrictJson.parse(json);
        } catch (StrictJson.JsonException e) {
            throw new AssertionError(e);
        }
    }
}
