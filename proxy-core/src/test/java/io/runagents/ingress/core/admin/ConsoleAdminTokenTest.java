package io.runagents.ingress.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.runagents.ingress.core.server.LiveProxy;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/** With RUNAGENTS_ADMIN_TOKEN set, the console shows nothing until it is given the token. */
class ConsoleAdminTokenTest {
    private static final String TOKEN = "s3cret-admin-token";

    @TempDir
    static Path tmp;
    private static LiveProxy live;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        String missing = Browser.missing();
        assumeTrue(missing == null, "browser tests skipped: " + missing);
        live = LiveProxy.start(tmp, TOKEN);
        browser = Browser.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (live != null) {
            live.close();
        }
    }

    @Test
    void nothingIsShownWithoutTheTokenAndAWrongOneIsSaidToBeWrong() {
        browser.open(live.adminUrl() + "/#/agents");
        browser.waitFor(By.id("sign-in"));
        assertThat(browser.text(By.tagName("main"))).contains("Admin token").doesNotContain("main", "Agents");
        assertThat(browser.driver.findElements(By.tagName("table"))).isEmpty();

        browser.type(By.id("admin-token"), "wrong");
        browser.waitFor(By.cssSelector("#sign-in button[type='submit']")).click();
        browser.waitForText(By.id("sign-in"), "The admin token was not accepted");
        assertThat(browser.driver.findElements(By.tagName("table"))).isEmpty();

        browser.type(By.id("admin-token"), TOKEN);
        browser.waitFor(By.cssSelector("#sign-in button[type='submit']")).click();
        browser.waitForText(By.id("agents"), "main");
        assertThat(browser.driver.manage().getCookies()).as("no cookie: the token is a bearer token").isEmpty();
        assertThat(browser.errors()).isEmpty();
    }
}
