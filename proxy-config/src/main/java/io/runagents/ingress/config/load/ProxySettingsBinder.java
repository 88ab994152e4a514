package io.runagents.ingress.config.load;

import io.runagents.ingress.config.model.AdminSettings;
import io.runagents.ingress.config.model.AuditSettings;
import io.runagents.ingress.config.model.HostPort;
import io.runagents.ingress.config.model.IdentityContextSettings;
import io.runagents.ingress.config.model.JwksSettings;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.Listen;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.config.model.TlsSettings;
import io.runagents.ingress.config.model.TokenCacheSettings;
import io.runagents.ingress.config.model.TokenStoreSettings;
import java.util.List;
import java.util.function.Function;

/** Binds {@code proxy.yaml}; every field is optional and falls back to {@link ProxySettings#DEFAULTS}. */
final class ProxySettingsBinder {
    static final String[] FIELDS = {"listen", "dataDir", "tls", "limits", "jwks", "tokenCache", "audit",
        "identityContext", "tokenStore", "admin"};
    private static final ProxySettings D = ProxySettings.DEFAULTS;

    private ProxySettingsBinder() {
    }

    /** The settings, or null when the document had errors (all of them reported). */
    static ProxySettings bind(FieldReader root) {
        Listen listen = section(root, "listen", D.listen(), ProxySettingsBinder::listen);
        String dataDir = or(root.string("dataDir"), D.dataDir());
        TlsSettings tls = section(root, "tls", D.tls(), ProxySettingsBinder::tls);
        Limits limits = section(root, "limits", D.limits(), ProxySettingsBinder::limits);
        JwksSettings jwks = section(root, "jwks", D.jwks(), ProxySettingsBinder::jwks);
        TokenCacheSettings tokenCache = section(root, "tokenCache", D.tokenCache(), r -> {
            Long max = r.longValue("maxEntries", 0);
            r.checkUnknown("maxEntries");
            return new TokenCacheSettings(or(max, D.tokenCache().maxEntries()));
        });
        AuditSettings audit = section(root, "audit", D.audit(), r -> {
            String file = r.string("file");
            Integer maxWait = r.integer("maxWaitMillis", 0);
            r.checkUnknown("file", "maxWaitMillis");
            return new AuditSettings(or(file, D.audit().file()), or(maxWait, D.audit().maxWaitMillis()));
        });
        IdentityContextSettings identityContext = section(root, "identityContext", D.identityContext(), r -> {
            String keyFile = r.string("signingKeyFile");
            Integer ttl = r.integer("ttlSeconds", 1);
            String issuer = r.convert("issuer", r.string("issuer"), ProxySettingsBinder::contextIssuer);
            r.checkUnknown("signingKeyFile", "ttlSeconds", "issuer");
            return new IdentityContextSettings(keyFile, or(ttl, D.identityContext().ttlSeconds()),
                    or(issuer, D.identityContext().issuer()));
        });
        TokenStoreSettings tokenStore = section(root, "tokenStore", D.tokenStore(), ProxySettingsBinder::tokenStore);
        AdminSettings admin = section(root, "admin", D.admin(), r -> {
            List<String> hosts = r.value("allowedHosts") == null ? List.of() : r.strings("allowedHosts", Values::hostname);
            r.checkUnknown("allowedHosts");
            return new AdminSettings(hosts == null ? List.of() : hosts);
        });
        root.checkUnknown(FIELDS);
        if (root.document().hasErrors()) {
            return null;
        }
        return new ProxySettings(listen, dataDir, tls, limits, jwks, tokenCache, audit, identityContext, tokenStore,
                admin);
    }

    private static <T> T section(FieldReader root, String key, T defaults, Function<FieldReader, T> bind) {
        FieldReader r = root.mapping(key);
        return r == null ? defaults : bind.apply(r);
    }

    private static Listen listen(FieldReader r) {
        Listen d = D.listen();
        HostPort ingress = or(r.convert("ingress", r.string("ingress"), ProxySettingsBinder::hostPort), d.ingress());
        HostPort egress = or(r.convert("egress", r.string("egress"), ProxySettingsBinder::hostPort), d.egress());
        HostPort admin = or(r.convert("admin", r.string("admin"), ProxySettingsBinder::hostPort), d.admin());
        r.checkUnknown("ingress", "egress", "admin");
        // Caught here rather than as "address in use" at start, which would blame whichever listener binds last.
        clash(r, "egress", egress, "ingress", ingress);
        clash(r, "admin", admin, "ingress", ingress);
        clash(r, "admin", admin, "egress", egress);
        return new Listen(ingress, egress, admin);
    }

    private static void clash(FieldReader r, String key, HostPort address, String otherKey, HostPort other) {
        boolean overlap = address.port() != 0 && address.port() == other.port()
                && (address.host().equals(other.host()) || isWildcard(address.host()) || isWildcard(other.host()));
        if (overlap) {
            r.error(r.value(key) != null ? key : otherKey, "listen." + key + " and listen." + otherKey
                    + " are the same address (" + address + " and " + other + "); each listener needs its own port");
        }
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::");
    }

    private static TlsSettings tls(FieldReader r) {
        String cert = r.string("certFile");
        String key = r.string("keyFile");
        if ((r.value("certFile") == null) != (r.value("keyFile") == null)) {
            r.error(r.value("certFile") == null ? "certFile" : "keyFile",
                    "certFile and keyFile must be set together (TLS needs both)");
        }
        r.checkUnknown("certFile", "keyFile");
        return new TlsSettings(cert, key);
    }

    private static Limits limits(FieldReader r) {
        Limits d = D.limits();
        Limits limits = new Limits(or(r.integer("maxHeaderBytes", 1024), d.maxHeaderBytes()),
                or(r.integer("maxTokenBytes", 256), d.maxTokenBytes()),
                or(r.integer("idleTimeoutSeconds", 1), d.idleTimeoutSeconds()),
                or(r.integer("connectTimeoutMillis", 1), d.connectTimeoutMillis()),
                or(r.integer("shutdownGraceSeconds", 1), d.shutdownGraceSeconds()),
                or(r.integer("maxConnections", 1), d.maxConnections()));
        r.checkUnknown("maxHeaderBytes", "maxTokenBytes", "idleTimeoutSeconds", "connectTimeoutMillis",
                "shutdownGraceSeconds", "maxConnections");
        return limits;
    }

    private static JwksSettings jwks(FieldReader r) {
        JwksSettings d = D.jwks();
        JwksSettings jwks = new JwksSettings(or(r.integer("refreshSeconds", 1), d.refreshSeconds()),
                or(r.integer("minRefetchSeconds", 1), d.minRefetchSeconds()),
                or(r.integer("maxStaleSeconds", 1), d.maxStaleSeconds()),
                or(r.integer("fetchTimeoutMillis", 1), d.fetchTimeoutMillis()));
        if (jwks.minRefetchSeconds() > jwks.refreshSeconds()) {
            r.error(r.has("minRefetchSeconds") ? "minRefetchSeconds" : "refreshSeconds",
                    jwks.minRefetchSeconds() + " (expected: minRefetchSeconds <= refreshSeconds, "
                            + jwks.refreshSeconds() + ")");
        }
        r.checkUnknown("refreshSeconds", "minRefetchSeconds", "maxStaleSeconds", "fetchTimeoutMillis");
        return jwks;
    }

    private static TokenStoreSettings tokenStore(FieldReader r) {
        String url = r.convert("url", r.string("url"), u -> {
            if (!u.startsWith("jdbc:postgresql:") && !u.startsWith("jdbc:sqlite:")) {
                throw new IllegalArgumentException(YamlNode.Scalar.quote(u)
                        + " (expected: null, jdbc:postgresql:... or jdbc:sqlite:...)");
            }
            return u;
        });
        String keyEnv = r.convert("encryptionKeyEnv", r.string("encryptionKeyEnv"), Values::envName);
        r.checkUnknown("url", "encryptionKeyEnv");
        return new TokenStoreSettings(url, or(keyEnv, D.tokenStore().encryptionKeyEnv()));
    }

    /** {@code host:port} or {@code [v6]:port}; the host is kept without brackets, as HostPort expects. */
    static HostPort hostPort(String s) {
        String expected = YamlNode.Scalar.quote(s) + " (expected: host:port or [ipv6]:port, port 0..65535)";
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException(expected);
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0 || s.indexOf(':') != colon) {
                throw new IllegalArgumentException(expected);
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        if (host.isEmpty() || host.matches(".*[\\s/\\[\\]].*") || !port.matches("[0-9]{1,5}")
                || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException(expected);
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    /** A context issuer: a non-empty string of printable ASCII (it is compared exactly at the egress). */
    private static String contextIssuer(String issuer) {
        if (issuer.isEmpty() || !issuer.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(YamlNode.Scalar.quote(issuer)
                    + " (expected: a non-empty string of printable ASCII without spaces)");
        }
        return issuer;
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
