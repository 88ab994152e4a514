package io.runagents.ingress.config.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runagents.ingress.config.model.HostPort;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.ProxySettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code proxy.yaml}: optional, every field optional, defaults from {@link ProxySettings#DEFAULTS}. */
class ProxySettingsTest {
    @TempDir
    Path tmp;

    private ProxySettings load(String yaml) {
        return new TestConf(tmp).file("proxy.yaml", yaml).snapshot().proxy();
    }

    @Test
    void partialSectionsKeepTheOtherDefaults() {
        ProxySettings p = load("limits: { maxTokenBytes: 256 }\nlisten: { admin: \"127.0.0.1:0\" }\n"
                + "tokenStore: { url: \"jdbc:sqlite:/tmp/x.db\" }\n");
        assertThat(p.limits()).isEqualTo(new Limits(16384, 256, 60, 2000, 20, 10000));
        assertThat(p.listen().admin()).isEqualTo(new HostPort("127.0.0.1", 0));
        assertThat(p.listen().ingress()).isEqualTo(ProxySettings.DEFAULTS.listen().ingress());
        assertThat(p.tokenStore().encryptionKeyEnv()).isEqualTo("RUNAGENTS_TOKEN_KEY");
        assertThat(p.dataDir()).isEqualTo("data");
    }

    @Test
    void explicitNullsMeanDefaults() {
        assertThat(load("dataDir:\ntls: { certFile: null, keyFile: ~ }\nidentityContext: { signingKeyFile: null }\n"))
                .isEqualTo(ProxySettings.DEFAULTS);
    }

    @Test
    void emptyFileAndCommentOnlyFile() {
        assertThat(load("")).isEqualTo(ProxySettings.DEFAULTS);
        assertThat(load("# all defaults\n---\n")).isEqualTo(ProxySettings.DEFAULTS);
    }

    @Test
    void integersMustBeIntegers() {
        TestConf conf = new TestConf(tmp).file("proxy.yaml",
                "limits:\n  maxConnections: 2147483648\n  idleTimeoutSeconds: 1e3\n  connectTimeoutMillis: '5'\n"
                        + "  shutdownGraceSeconds: 0x10\n");
        assertThat(conf.errors()).containsExactly(
                "conf/proxy.yaml:2:19: limits.maxConnections: 2147483648 (expected: <= 2147483647)",
                "conf/proxy.yaml:3:23: limits.idleTimeoutSeconds: 1e3 (expected: an integer)",
                "conf/proxy.yaml:4:25: limits.connectTimeoutMillis: \"5\" (expected: an integer)");
    }

    @Test
    void twoDocumentsAndNonMappingAreRefused() {
        assertThat(new TestConf(tmp).file("proxy.yaml", "dataDir: a\n---\ndataDir: b\n").errors()).containsExactly(
                "conf/proxy.yaml:3:1: proxy.yaml holds one document (expected: no '---' separated second document)");
        assertThat(new TestConf(tmp).file("proxy.yaml", "- a\n").errors())
                .containsExactly("conf/proxy.yaml:1:1: a list (expected: a mapping of settings)");
    }

    @Test
    void unknownSectionsAndFields() {
        assertThat(new TestConf(tmp).file("proxy.yaml", "listen: { ingres: \"0.0.0.0:1\" }\nlimit: {}\n").errors())
                .containsExactly(
                        "conf/proxy.yaml:1:11: listen.ingres: unknown field (expected one of: ingress, egress, admin)",
                        "conf/proxy.yaml:2:1: limit: unknown field (expected one of: listen, dataDir, tls, limits,"
                                + " jwks, tokenCache, audit, identityContext, tokenStore, admin)");
    }

    @Test
    void hostPortForms() {
        assertThat(ProxySettingsBinder.hostPort("[2001:db8::1]:443")).isEqualTo(new HostPort("2001:db8::1", 443));
        assertThat(ProxySettingsBinder.hostPort("example.com:65535")).isEqualTo(new HostPort("example.com", 65535));
        for (String bad : new String[] {"::1:80", ":80", "host:", "host:65536", "host:-1", "[::1]80", "a b:1"}) {
            assertThatThrownBy(() -> ProxySettingsBinder.hostPort(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void twoListenersOnOnePortAreRefusedAtStartNotAtBind() {
        assertThat(new TestConf(tmp).file("proxy.yaml", "listen: { egress: \"127.0.0.1:9901\" }\n").errors())
                .containsExactly("conf/proxy.yaml:1:19: listen.egress: listen.admin and listen.egress are the same"
                        + " address (127.0.0.1:9901 and 127.0.0.1:9901); each listener needs its own port");
        // The wildcard covers every address; port 0 (any free port) never clashes.
        assertThat(new TestConf(tmp).file("proxy.yaml", "listen: { ingress: \"0.0.0.0:7000\", egress:"
                + " \"127.0.0.1:7000\" }\n").errors()).hasSize(1);
        assertThat(new TestConf(tmp).file("proxy.yaml", "listen: { ingress: \"127.0.0.1:0\", egress:"
                + " \"127.0.0.1:0\", admin: \"127.0.0.1:0\" }\n").snapshot().proxy().listen().admin().port()).isZero();
    }

    @Test
    void problemsWithTheFilesSettingsNameAreReportedAtTheirFields() {
        TestConf conf = new TestConf(tmp).file("proxy.yaml", "dataDir: /srv\ntls:\n  certFile: /a.crt\n  keyFile: /a.key\n");
        // audit is not in the file: its problem goes to the top of the document.
        SettingFilesCheck check = settings -> List.of(
                new SettingFilesCheck.Problem("tls.keyFile", "cannot read /a.key (no such file)"),
                new SettingFilesCheck.Problem("audit.file", "cannot create logs/audit.jsonl (permission denied)"));

        assertThat(TestConf.errors(YamlConfigLoader.loadDirectory(conf.dir, 1, TestConf.CLOCK, check)))
                .containsExactly("conf/proxy.yaml:1:1: audit.file: cannot create logs/audit.jsonl (permission denied)",
                        "conf/proxy.yaml:4:12: tls.keyFile: cannot read /a.key (no such file)");
    }

    @Test
    void withoutProxyYamlTheDefaultsAreCheckedAndProblemsHaveNoPosition() {
        TestConf conf = new TestConf(tmp);
        List<ProxySettings> checked = new ArrayList<>();
        SettingFilesCheck check = settings -> {
            checked.add(settings);
            return List.of(new SettingFilesCheck.Problem("audit.file", "cannot create logs/audit.jsonl (x)"));
        };

        assertThat(TestConf.errors(YamlConfigLoader.loadDirectory(conf.dir, 1, TestConf.CLOCK, check)))
                .containsExactly("conf/proxy.yaml:0:0: audit.file: cannot create logs/audit.jsonl (x)");
        assertThat(checked).containsExactly(ProxySettings.DEFAULTS);
    }

    @Test
    void filesAreNotCheckedWhenProxyYamlItselfIsInvalid() {
        TestConf conf = new TestConf(tmp).file("proxy.yaml", "tls: { certFile: /a.crt }\n");
        SettingFilesCheck check = settings -> {
            throw new AssertionError("checked invalid settings");
        };

        assertThat(TestConf.errors(YamlConfigLoader.loadDirectory(conf.dir, 1, TestConf.CLOCK, check))).containsExactly(
                "conf/proxy.yaml:1:1: tls.keyFile: certFile and keyFile must be set together (TLS needs both)");
    }

    @Test
    void auditWaitAdminHostsAndContextIssuer() {
        ProxySettings p = load("audit: { maxWaitMillis: 0 }\nadmin: { allowedHosts: [Proxy.Internal, 10.0.0.5] }\n"
                + "identityContext: { issuer: https://proxy.corp.example }\n");
        assertThat(p.audit().maxWaitMillis()).isZero();
        assertThat(p.admin().allowedHosts()).containsExactly("proxy.internal", "10.0.0.5");
        assertThat(p.identityContext().issuer()).isEqualTo("https://proxy.corp.example");
        ProxySettings d = load("dataDir: data\n");
        assertThat(d.audit().maxWaitMillis()).isEqualTo(2000);
        assertThat(d.admin().allowedHosts()).isEmpty();
        assertThat(d.identityContext().issuer()).isEqualTo("runagents");
        assertThat(new TestConf(tmp).file("proxy.yaml", "audit: { maxWaitMillis: -1 }\n"
                + "admin: { allowedHosts: [\"http://x\"], hosts: [] }\nidentityContext: { issuer: \"a b\" }\n")
                .errors()).containsExactly(
                        "conf/proxy.yaml:1:25: audit.maxWaitMillis: -1 (expected: >= 0)",
                        "conf/proxy.yaml:2:25: admin.allowedHosts[0]: \"http://x\" (expected: a hostname, without scheme,"
                                + " port or path)",
                        "conf/proxy.yaml:2:38: admin.hosts: unknown field (expected one of: allowedHosts)",
                        "conf/proxy.yaml:3:28: identityContext.issuer: \"a b\" (expected: a non-empty string of"
                                + " printable ASCII without spaces)");
    }
}
