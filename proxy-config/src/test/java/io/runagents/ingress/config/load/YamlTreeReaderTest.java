package io.runagents.ingress.config.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.config.load.YamlNode.Mapping;
import io.runagents.ingress.config.load.YamlNode.Scalar;
import io.runagents.ingress.config.load.YamlNode.ScalarType;
import org.junit.jupiter.api.Test;

/** The located tree: positions, scalar types, documents and syntax errors. */
class YamlTreeReaderTest {
    @Test
    void scalarsRememberTheirTokenTypeAndPosition() {
        YamlTreeReader.Result r = YamlTreeReader.read("f", "a: 60\nb: \"60\"\nc: yes\nd: ~\ne: 1.5\nf: 0x1F\n");
        Mapping m = (Mapping) r.documents().get(0);
        assertThat(m.entries()).extracting(e -> e.key() + "=" + e.value())
                .containsExactly("a=" + new Scalar("60", ScalarType.INTEGER, 1, 4),
                        "b=" + new Scalar("60", ScalarType.STRING, 2, 4),
                        "c=" + new Scalar("true", ScalarType.BOOLEAN, 3, 4),
                        "d=" + new Scalar(null, ScalarType.NULL, 4, 4),
                        "e=" + new Scalar("1.5", ScalarType.FLOAT, 5, 4),
                        "f=" + new Scalar("31", ScalarType.INTEGER, 6, 4));
    }

    @Test
    void emptyDocumentsAreSkippedAndByteOrderMarkIgnored() {
        assertThat(YamlTreeReader.read("f", "").documents()).isEmpty();
        assertThat(YamlTreeReader.read("f", "\uFEFF---\n# c\n---\na: 1\n---\n").documents()).hasSize(1);
    }

    @Test
    void aliasesAreRefused() {
        assertThat(YamlTreeReader.read("f", "a: &x 1\nb: *x\n").syntaxError())
                .hasToString("f:2:4: YAML aliases (*x) are not supported");
    }

    @Test
    void tabsAndDeepNestingAreSyntaxErrors() {
        assertThat(YamlTreeReader.read("f", "a:\n\t- b\n").syntaxError()).hasToString("f:2:1: YAML syntax error:"
                + " found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)"
                + " (while scanning for the next token)");
        String deep = "[".repeat(100) + "]".repeat(100);
        assertThat(YamlTreeReader.read("f", deep).syntaxError().message()).isEqualTo("nested deeper than 64 levels");
    }
}
