package io.runagents.ingress.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runagents.ingress.config.load.ConfigLoadResult;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.core.cli.ResourceCommandsTest.Run;
import io.runagents.ingress.core.demo.authserver.ClientAuthMethod;
import io.runagents.ingress.core.demo.authserver.OAuthClient;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.runtime.ConfigReloader;
import io.runagents.ingress.core.runtime.SettingFiles;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.StubAuthorizationServer;
import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.Lookup;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.TokenSet;
import io.runagents.ingress.tokenstore.TokenStoreOptions;
import io.runagents.ingress.tokenstore.jdbc.JdbcTokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runagents grants list|revoke} end to end against a real running proxy (its admin API over a real conf
 * directory, its SQLite token store in {@code dataDir}), with the grants written straight into that store.
 */
class GrantsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CALLBACK = "http://127.0.0.1:1/oauth/callback";
    private static final String MAIL_SECRET = "mail-client-secret";

    @TempDir
    Path tmp;

    private String tokenKey;
    private StubAuthorizationServer mail;
    private ConfigStore config;
    private ProxyServer proxy;
    private ConfigReloader reloader;
    private JdbcTokenStore store;
    private Path auditFile;
    private Path conf;
    private String server;
    /** Every token value put in the store: none may ever be printed. */
    private final List<String> tokens = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        tokenKey = "k1:" + Base64.getEncoder().encodeToString(key);
        mail = new StubAuthorizationServer().register(OAuthClient.confidential("proxy", MAIL_SECRET,
                ClientAuthMethod.CLIENT_SECRET_BASIC, CALLBACK));
        Path dataDir = tmp.resolve("data");
        auditFile = tmp.resolve("audit.jsonl");
        conf = Files.createDirectories(tmp.resolve("conf"));
        Files.writeString(conf.resolve("proxy.yaml"), """
                listen: { ingress: "127.0.0.1:0", egress: "127.0.0.1:0", admin: "127.0.0.1:0" }
                dataDir: %s
                audit: { file: %s }
                consent: { callbackUrl: %s }
                """.formatted(dataDir, auditFile, CALLBACK));
        Files.createDirectories(conf.resolve("tools"));
        // No revocationUrl: nothing is called upstream.
        Files.writeString(conf.resolve("tools/drive.yaml"), """
                name: drive
                spec:
                  baseUrl: http://127.0.0.1:1/api
                  auth:
                    type: oauth2
                    authorizationUrl: http://127.0.0.1:1/authorize
                    tokenUrl: http://127.0.0.1:1/token
                    clientId: proxy
                    clientSecretEnv: DRIVE_SECRET
                    scopes: [read]
                """);
        Files.writeString(conf.resolve("tools/mail.yaml"), """
                name: mail
                spec:
                  baseUrl: %s
                  auth:
                    type: oauth2
                    authorizationUrl: %s
                    tokenUrl: %s
                    clientId: proxy
                    clientSecretEnv: MAIL_SECRET
                    revocationUrl: %s
                """.formatted(mail.toolBaseUrl(), mail.authorizationUrl(), mail.tokenUrl(), mail.revocationUrl()));
        config = new ConfigStore(conf, Clock.systemUTC()).checkFilesWith(SettingFiles::check);
        ConfigLoadResult loaded = config.initialize();
        assertThat(loaded).isInstanceOf(ConfigLoadResult.Loaded.class);
        proxy = ProxyServer.start(config.current(), 2, ContextSigningKey.generate(), name -> switch (name) {
            case "RUNAGENTS_TOKEN_KEY" -> tokenKey;
            case "DRIVE_SECRET" -> "drive-client-secret";
            case "MAIL_SECRET" -> MAIL_SECRET;
            default -> null;
        });
        reloader = proxy.watch(config, new ConfigReloader.Options(Duration.ofMillis(50), Duration.ofMillis(500),
                null));
        server = "http://127.0.0.1:" + proxy.adminAddress().getPort();
        store = JdbcTokenStore.open(TokenStoreOptions.sqlite(dataDir, Secret.of(tokenKey)), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (store != null) {
            store.close();
        }
        if (reloader != null) {
            reloader.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (config != null) {
            config.close();
        }
        if (mail != null) {
            mail.close();
        }
    }

    private GrantKey grant(String provider, String user, String tool, Instant expiry) {
        String access = "at-" + user + "-" + tool + "-" + provider;
        String refresh = "rt-" + user + "-" + tool + "-" + provider;
        tokens.add(access);
        tokens.add(refresh);
        GrantKey key = new GrantKey(provider, user, tool);
        store.replace(key, new TokenSet(Secret.of(access), Secret.of(refresh), expiry, List.of("read")));
        return key;
    }

    /** {@code runagents ARGS}, asserting that no token reached stdout or stderr. */
    private Run run(String... args) {
        Run r = ResourceCommandsTest.run(args);
        for (String token : tokens) {
            assertThat(r.out()).doesNotContain(token);
            assertThat(r.err()).doesNotContain(token);
        }
        return r;
    }

    @Test
    void listShowsEveryGrantAndFiltersByUserAndTool() throws Exception {
        Instant expiry = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        grant("corp", "alice@company.com", "drive", expiry);
        grant("corp", "alice@company.com", "mail", null);
        grant("corp", "bob@company.com", "drive", expiry);

        Run all = run("grants", "list", "--server", server);
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.err()).isEmpty();
        List<String> lines = all.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches(
                "USER +PROVIDER +TOOL +SCOPES +CREATED +REFRESHED +EXPIRES");
        assertThat(lines.get(1)).startsWith("alice@company.com   corp       drive  ").contains(" read ")
                .endsWith(expiry.toString());
        assertThat(lines.get(2)).startsWith("alice@company.com   corp       mail   ").endsWith("-");
        assertThat(lines.get(3)).startsWith("bob@company.com     corp       drive  ");
        // Columns line up under their headers.
        int tool = lines.get(0).indexOf("TOOL");
        assertThat(lines.subList(1, 4)).allSatisfy(l -> assertThat(l.substring(tool)).matches("(drive|mail) .*"));

        Run alice = run("grants", "list", "--user", "alice@company.com", "--server", server);
        assertThat(alice.exit()).isZero();
        assertThat(alice.out().lines().skip(1)).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("alice@"));

        Run drive = run("grants", "list", "--tool", "drive", "--server", server);
        assertThat(drive.exit()).isZero();
        assertThat(drive.out().lines().skip(1)).hasSize(2).allSatisfy(l -> assertThat(l).contains(" drive "));
        assertThat(drive.out()).contains("alice@company.com", "bob@company.com");

        Run json = run("grants", "list", "--tool", "drive", "--user", "bob@company.com", "-o", "json",
                "--server", server);
        assertThat(json.exit()).isZero();
        JsonNode items = JSON.readTree(json.out());
        assertThat(items.isArray()).isTrue();
        assertThat(items).hasSize(1);
        JsonNode bob = items.get(0);
        assertThat(bob.get("user").asText()).isEqualTo("bob@company.com");
        assertThat(bob.get("provider").asText()).isEqualTo("corp");
        assertThat(bob.get("tool").asText()).isEqualTo("drive");
        assertThat(bob.get("scopes").get(0).asText()).isEqualTo("read");
        assertThat(Instant.parse(bob.get("expires").asText())).isEqualTo(expiry);
        assertThat(bob.get("created").isTextual()).isTrue();
        assertThat(bob.get("refreshable").asBoolean()).isTrue();

        Run yaml = run("grants", "list", "--user", "alice@company.com", "-o", "yaml", "--server", server);
        assertThat(yaml.exit()).isZero();
        assertThat(yaml.out()).startsWith("user: alice@company.com\nprovider: corp\ntool: drive\n")
                .contains("\n---\nuser: alice@company.com\nprovider: corp\ntool: mail\n");

        Run none = run("grants", "list", "--user", "carol@company.com", "--server", server);
        assertThat(none).isEqualTo(new Run(0, "", "No grants found.\n"));
        assertThat(run("grants", "list", "--user", "carol@company.com", "-o", "json", "--server", server).out())
                .isEqualTo("[ ]\n");
    }

    @Test
    void withoutServerTheAdminAddressComesFromProxyYaml() throws Exception {
        grant("corp", "alice@company.com", "drive", null);
        int port = proxy.adminAddress().getPort();
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("proxy.yaml"), "listen: { admin: \"127.0.0.1:" + port + "\" }\n");
        Run r = run("grants", "list", "--config", other.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("alice@company.com");
        // A wildcard admin address is reached on loopback.
        Files.writeString(other.resolve("proxy.yaml"), "listen: { admin: \"0.0.0.0:" + port + "\","
                + " ingress: \"127.0.0.1:0\" }\n");
        assertThat(run("grants", "list", "--config", other.toString()).out()).contains("alice@company.com");

        // The live proxy's own directory names port 0: there is nothing to connect to.
        Run zero = run("grants", "list", "--config", conf.toString());
        assertThat(zero.exit()).isEqualTo(1);
        assertThat(zero.err()).contains("listen.admin has port 0", "--server URL");
        Run missing = run("grants", "list", "--config", tmp.resolve("nonexistent").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("conf directory not found", "--server URL");
    }

    @Test
    void revokeDeletesTheGrantAndAuditsIt() throws Exception {
        GrantKey alice = grant("corp", "alice@company.com", "drive", null);
        GrantKey bob = grant("corp", "bob@company.com", "drive", null);

        Run r = run("grants", "revoke", "--user", "alice@company.com", "--tool", "drive", "--server", server);
        assertThat(r).isEqualTo(new Run(0, "grant/drive of alice@company.com revoked (upstream revocation: no)\n",
                ""));
        assertThat(store.load(alice)).isInstanceOf(Lookup.None.class);
        assertThat(store.load(bob)).isInstanceOf(Lookup.Found.class);
        assertThat(run("grants", "list", "--server", server).out()).doesNotContain("alice@company.com")
                .contains("bob@company.com");
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                Files.readAllLines(auditFile)).anySatisfy(line -> assertThat(line)
                        .contains("\"direction\":\"consent\"", "\"decision\":\"revoked\"", "alice@company.com")));
        String audit = Files.readString(auditFile);
        tokens.forEach(t -> assertThat(audit).doesNotContain(t));

        Run again = run("grants", "revoke", "--user", "alice@company.com", "--tool", "drive", "--server", server);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.out()).isEmpty();
        assertThat(again.err()).isEqualTo("no grant of alice@company.com for tool drive\n");
    }

    @Test
    void revokeAtEveryProviderNamesEachAndProviderNarrowsIt() {
        GrantKey corp = grant("corp", "alice@company.com", "drive", null);
        GrantKey partner = grant("partner", "alice@company.com", "drive", null);
        GrantKey other = grant("other", "alice@company.com", "drive", null);

        Run one = run("grants", "revoke", "--user", "alice@company.com", "--tool", "drive", "--provider", "other",
                "--server", server);
        assertThat(one).isEqualTo(new Run(0, "grant/drive of alice@company.com revoked (upstream revocation: no)\n",
                ""));
        assertThat(store.load(other)).isInstanceOf(Lookup.None.class);
        assertThat(store.load(corp)).isInstanceOf(Lookup.Found.class);

        Run both = run("grants", "revoke", "--user", "alice@company.com", "--tool", "drive", "--server", server);
        assertThat(both.exit()).isZero();
        assertThat(both.out().lines().sorted().toList()).containsExactly(
                "grant/drive of alice@company.com at corp revoked (upstream revocation: no)",
                "grant/drive of alice@company.com at partner revoked (upstream revocation: no)");
        assertThat(store.load(corp)).isInstanceOf(Lookup.None.class);
        assertThat(store.load(partner)).isInstanceOf(Lookup.None.class);
    }

    @Test
    void revokeOfAToolWithARevocationUrlRevokesUpstream() {
        GrantKey key = grant("corp", "alice@company.com", "mail", null);
        Run r = run("grants", "revoke", "--user", "alice@company.com", "--tool", "mail", "--server", server);
        assertThat(r).isEqualTo(new Run(0, "grant/mail of alice@company.com revoked (upstream revocation: yes)\n",
                ""));
        assertThat(store.load(key)).isInstanceOf(Lookup.None.class);
        assertThat(mail.revocations()).isNotEmpty().allSatisfy(revocation -> {
            assertThat(revocation.clientId()).isEqualTo("proxy");
            assertThat(revocation.token()).isIn("rt-alice@company.com-mail-corp", "at-alice@company.com-mail-corp");
        });
    }

    @Test
    void usageErrorsExitTwoAndAnUnreachableServerOne() {
        assertThat(run("grants").exit()).isEqualTo(2);
        assertThat(run("grants", "revoke", "--tool", "drive", "--server", server).exit()).isEqualTo(2);
        assertThat(run("grants", "revoke", "--user", "alice@company.com", "--server", server).exit()).isEqualTo(2);
        assertThat(run("grants", "revoke", "--user", "", "--tool", "drive", "--server", server).exit()).isEqualTo(2);
        assertThat(run("grants", "list", "-o", "xml", "--server", server).exit()).isEqualTo(2);
        assertThat(run("grants", "list", "--server", "127.0.0.1:1").exit()).isEqualTo(2);
        assertThat(run("grants", "list", "--config", "x", "--server", server).exit()).isEqualTo(2);
        Run unreachable = run("grants", "list", "--server", "http://127.0.0.1:1");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("error: cannot reach http://127.0.0.1:1");
    }
}
