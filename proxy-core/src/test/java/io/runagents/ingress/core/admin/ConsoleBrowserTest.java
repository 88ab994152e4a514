package io.runagents.ingress.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.jwk.RSAKey;
import io.runagents.ingress.core.cli.Main;
import io.runagents.ingress.core.server.LiveProxy;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;

/**
 * The console (SPEC section 12) in headless Chromium against a real proxy: one browser for the class, the
 * flows of issue 18 in order (each leaves the configuration the next one expects).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    private static final RSAKey KEY = TestKeys.rsa();
    private static final String HOST = "portal.example.test";
    private static final String XSS = "<img src=x onerror=alert(1)>";

    @TempDir
    static Path tmp;
    private static StubJwksServer jwks;
    private static LiveProxy live;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        String missing = Browser.missing();
        assumeTrue(missing == null, "browser tests skipped: " + missing);
        jwks = new StubJwksServer().jwks(TestKeys.jwks(KEY));
        live = LiveProxy.start(tmp, null);
        live.write("identity-providers/corp.yaml", """
                name: corp
                spec:
                  host: %s
                  identityProvider:
                    issuer: %s
                    jwksUri: %s
                    audiences: [%s]
                  userIDClaim: email
                """.formatted(HOST, TestTokens.ISSUER, jwks.uri(), TestTokens.AUDIENCE))
                .write("agents/secure.yaml", """
                        name: secure
                        spec:
                          host: %s
                          pathPrefix: /secure
                          upstream: %s
                        """.formatted(HOST, live.agent.uri()));
        await().atMost(Duration.ofSeconds(10)).until(() -> live.store.current().agent("secure").isPresent());
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
        if (jwks != null) {
            jwks.close();
        }
    }

    @AfterEach
    void nothingRanThatShouldNot() {
        assertThat(browser.alertOpen()).as("an alert: injected script ran").isFalse();
        assertThat(browser.errors()).as("script errors and Content-Security-Policy violations").isEmpty();
    }

    private void page(String route) {
        browser.open(live.adminUrl() + "/#/" + route);
        browser.waitFor(By.cssSelector("main h1"));
    }

    @Test
    @Order(1)
    void switchingAnAgentToAuthenticatedSelectsTheOnlyProvider() throws Exception {
        page("agents");
        assertThat(browser.find(By.id("agent-main-provider")).isDisplayed()).as("open: no provider").isFalse();
        browser.select(By.id("agent-main-access"), "Authenticated");
        assertThat(browser.waitFor(By.id("agent-main-provider")).getAttribute("value")).isEqualTo("corp");
        browser.waitFor(By.id("agent-main-save")).click();
        browser.waitForText(By.id("agents-message"), "agent/main configured");
        String yaml = Files.readString(live.conf.resolve("agents/main.yaml"));
        assertThat(yaml).contains("access: \"authenticated\"", "identityProvider: \"corp\"");
        assertThat(live.store.current().agent("main").orElseThrow().identityProvider()).isEqualTo("corp");
    }

    @Test
    @Order(2)
    void aWrongIssuerIsShownAtItsFieldAndNothingIsWritten() throws Exception {
        page("identity");
        browser.waitFor(By.id("new-provider")).click();
        browser.type(By.id("f-name"), "bad");
        browser.type(By.id("f-host"), "bad.example.test");
        browser.type(By.id("f-issuer"), "http://login.example.com");
        browser.type(By.id("f-jwksUri"), "https://login.example.com/keys");
        browser.type(By.id("f-userIDClaim"), "sub");
        browser.waitFor(By.id("save-provider")).click();
        browser.waitForText(By.id("f-issuer-error"), "https://");
        assertThat(browser.text(By.id("f-issuer-error"))).contains("http:// only for loopback hosts");
        assertThat(browser.waitFor(By.id("f-issuer")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.driver.findElement(By.id("f-host-error")).getText()).isEmpty();
        assertThat(live.conf.resolve("identity-providers/bad.yaml")).doesNotExist();
    }

    @Test
    @Order(3)
    void aProviderFromAPresetIsListedAndWrittenToTheConfDirectory() throws Exception {
        page("identity");
        browser.waitFor(By.id("new-provider")).click();
        browser.select(By.id("f-preset"), "Okta");
        assertThat(browser.waitFor(By.id("f-issuer")).getAttribute("value"))
                .isEqualTo("https://your-org.okta.com/oauth2/default");
        assertThat(browser.waitFor(By.id("f-name")).getAttribute("value")).isEqualTo("okta");
        browser.type(By.id("f-jwksUri"), jwks.uri().toString()); // the placeholder's host does not exist here
        browser.waitFor(By.id("save-provider")).click();
        browser.waitForText(By.id("identity-message"), "identity-provider/okta created");
        browser.waitForText(By.id("providers"), "okta");
        String yaml = Files.readString(live.conf.resolve("identity-providers/okta.yaml"));
        assertThat(yaml).contains("issuer: \"https://your-org.okta.com/oauth2/default\"", "groupsClaim: \"groups\"",
                "maxTokenLifetimeSeconds: 86400");
        assertThat(cli("identity-providers", "list", "--server", live.adminUrl())).contains("okta", "corp");
        browser.waitForText(By.id("providers"), "keys loaded");
        Path shot = browser.driver.getScreenshotAs(OutputType.FILE).toPath();
        Path target = Path.of(System.getProperty("console.screenshot", "target/console-identity.png"));
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    @Order(4)
    void theTokenPageRunsEveryCheck() {
        page("token");
        browser.type(By.id("tc-token"), TestTokens.signedBy(KEY).sign());
        browser.type(By.id("tc-host"), HOST);
        browser.waitFor(By.id("tc-run")).click();
        browser.waitForText(By.id("token-verdict"), "Accepted");
        assertThat(browser.text(By.id("token-checks"))).contains("pass signature", "pass issuer", "pass expiry")
                .doesNotContain("fail");

        browser.type(By.id("tc-token"), TestTokens.signedBy(KEY).at(Instant.now().minusSeconds(7200)).sign());
        browser.waitFor(By.id("tc-run")).click();
        browser.waitForText(By.id("token-verdict"), "Refused");
        assertThat(browser.text(By.cssSelector("#token-checks [data-check='expiry']")))
                .isEqualTo("fail expiry token expired");
    }

    @Test
    @Order(5)
    void aHostileClaimShowsAsTextOnTheTokenAndActivityPages() {
        String hostile = TestTokens.signedBy(KEY).claim("email", XSS).sign();
        page("token");
        browser.type(By.id("tc-token"), hostile);
        browser.waitFor(By.id("tc-run")).click();
        browser.waitForText(By.id("token-verdict"), "Accepted");
        assertThat(browser.text(By.id("token-user"))).isEqualTo(XSS);
        assertThat(browser.driver.findElements(By.cssSelector("main img"))).isEmpty();

        RawHttp.Response answer = rawGet("/secure/just-made", hostile);
        assertThat(answer.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> live.admin("GET", "/admin/audit?limit=5", null).body()
                .contains("/secure/just-made"));
        page("activity");
        browser.waitForText(By.id("audit"), "/secure/just-made");
        assertThat(browser.text(By.id("audit"))).contains(XSS);
        assertThat(browser.driver.findElements(By.cssSelector("main img"))).isEmpty();
        assertThat(browser.text(By.id("rates-summary"))).containsPattern("[1-9]\\d* requests");

        browser.type(By.id("activity-user"), "nobody@example.com");
        browser.waitFor(By.cssSelector("form.filters button[type='submit']")).click();
        browser.waitForText(By.id("audit-lines"), "No audit lines for nobody@example.com");
    }

    @Test
    @Order(6)
    void grantsSayConsentIsNotConfiguredOnA404() {
        page("grants");
        browser.waitForText(By.cssSelector("main"), "OAuth consent is not configured");
    }

    @Test
    @Order(7)
    void theConsoleIsReadableAt400PixelsWide() {
        browser.driver.manage().window().setSize(new Dimension(400, 800));
        try {
            page("identity");
            long overflow = (Long) browser.driver.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(overflow).as("horizontal scroll of the page itself").isLessThanOrEqualTo(0);
            assertThat(browser.waitFor(By.id("new-provider")).isDisplayed()).isTrue();
        } finally {
            browser.driver.manage().window().setSize(new Dimension(1280, 800));
        }
    }

    private static RawHttp.Response rawGet(String path, String token) {
        try {
            return RawHttp.get(live.server.ingressAddress(), HOST, path, "Authorization: Bearer " + token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        assertThat(exit).as(err.toString()).isZero();
        return out.toString();
    }
}
