package io.runagents.ingress.config.model;

import java.util.Objects;

/** {@code proxy.yaml}: every field optional, defaults as in SPEC section 3. */
public record ProxySettings(Listen listen, String dataDir, TlsSettings tls, Limits limits, JwksSettings jwks,
                            TokenCacheSettings tokenCache, AuditSettings audit,
                            IdentityContextSettings identityContext, TokenStoreSettings tokenStore,
                            AdminSettings admin) {
    public static final ProxySettings DEFAULTS = new ProxySettings(Listen.DEFAULTS, "data", TlsSettings.DEFAULTS,
            Limits.DEFAULTS, JwksSettings.DEFAULTS, TokenCacheSettings.DEFAULTS, AuditSettings.DEFAULTS,
            IdentityContextSettings.DEFAULTS, TokenStoreSettings.DEFAULTS, AdminSettings.DEFAULTS);

    public ProxySettings {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(jwks, "jwks");
        Objects.requireNonNull(tokenCache, "tokenCache");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(identityContext, "identityContext");
        Objects.requireNonNull(tokenStore, "tokenStore");
        Objects.requireNonNull(admin, "admin");
    }

    /** Settings with the default admin section. */
    public ProxySettings(Listen listen, String dataDir, TlsSettings tls, Limits limits, JwksSettings jwks,
                         TokenCacheSettings tokenCache, AuditSettings audit, IdentityContextSettings identityContext,
                         TokenStoreSettings tokenStore) {
        this(listen, dataDir, tls, limits, jwks, tokenCache, audit, identityContext, tokenStore, AdminSettings.DEFAULTS);
    }
}
