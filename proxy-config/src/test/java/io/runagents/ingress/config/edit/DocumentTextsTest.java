package io.runagents.ingress.config.edit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DocumentTextsTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "name: a\n",
        "# only a comment\n",
        "name: a\nspec: {}",
        "---\nname: a\n",
        "# head\nname: a\n---\n# about b\nname: b\n",
        "name: a\n--- # b follows\nname: b\n...\n",
        "name: a\r\n---\r\nname: b\r\n",
        "key: |\n  ---not a marker\n  text\n---\nname: b\n",
        "name: a\n---\n---\nname: c\n",
        "name: a\n---"
    })
    void splitThenJoinGivesBackEveryByte(String text) {
        assertThat(DocumentTexts.split(text)).hasValueSatisfying(parts ->
                assertThat(DocumentTexts.join(parts)).isEqualTo(text));
    }

    @Test
    void cutsAtMarkerLinesKeepingCommentsWithTheirDocument() {
        List<DocumentTexts.Part> parts = DocumentTexts.split("# head\nname: a\n--- # b\n# about b\nname: b\n").orElseThrow();

        assertThat(parts).containsExactly(
                new DocumentTexts.Part("", "# head\nname: a\n"),
                new DocumentTexts.Part("--- # b\n", "# about b\nname: b\n"));
    }

    @Test
    void aMarkerLineWithContentIsNotCut() {
        assertThat(DocumentTexts.split("name: a\n--- {name: b}\n")).isEmpty();
    }

    @Test
    void removingTheFirstDocumentDoesNotLeaveTheFileStartingWithAMarker() {
        List<DocumentTexts.Part> parts = DocumentTexts.split("name: a\n---\nname: b\n---\nname: c\n").orElseThrow();

        assertThat(DocumentTexts.join(DocumentTexts.without(parts, 0))).isEqualTo("name: b\n---\nname: c\n");
        assertThat(DocumentTexts.join(DocumentTexts.without(parts, 1))).isEqualTo("name: a\n---\nname: c\n");
    }
}
