package io.runagents.ingress.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class LeakDetectionDefaultTest {

    @Test
    void noLevelSetLeavesTheChoiceToTheProxy() {
        assertThat(LeakDetectionDefault.chosenIn(new Properties())).isFalse();
    }

    @Test
    void eitherSpellingOfNettysPropertyIsTheOperatorsChoice() {
        Properties current = new Properties();
        current.setProperty("io.netty.leakDetection.level", "simple");
        Properties legacy = new Properties();
        legacy.setProperty("io.netty.leakDetectionLevel", "paranoid");

        assertThat(LeakDetectionDefault.chosenIn(current)).isTrue();
        assertThat(LeakDetectionDefault.chosenIn(legacy)).isTrue();
    }
}
