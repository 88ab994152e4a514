package io.runagents.ingress.core.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.runagents.ingress.config.load.DocumentsLoadResult;
import io.runagents.ingress.config.load.ResourceKind;
import io.runagents.ingress.config.load.YamlConfigLoader;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.JwksSettings;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.core.identity.TokenCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * What {@code runagents token verify} checks a token against, as the ingress at the target holds it: the
 * identity providers, {@code limits.maxTokenBytes} and {@code jwks.fetchTimeoutMillis} (the command fetches
 * the JWKS itself, and should give up when the ingress would).
 *
 * @param assumed null when every setting is the target's own; else what was assumed in its place, and why
 */
record TokenCheckConfig(List<IdentityProvider> providers, int maxTokenBytes, Duration fetchTimeout, String assumed) {

    /** What {@link TokenCheck} checks against. */
    TokenCheck.Settings settings() {
        return new TokenCheck.Settings(providers, maxTokenBytes, fetchTimeout);
    }

    /**
     * From a conf directory, loaded and validated whole as {@code serve} loads it (an invalid directory is one
     * the ingress would not serve); null after printing its errors.
     */
    static TokenCheckConfig load(ConfigDirOption conf, PrintWriter err) {
        ConfigSnapshot snapshot = conf.load(err);
        if (snapshot == null) {
            return null;
        }
        ProxySettings proxy = snapshot.proxy();
        return new TokenCheckConfig(snapshot.identityProviders(), proxy.limits().maxTokenBytes(),
                Duration.ofMillis(proxy.jwks().fetchTimeoutMillis()), null);
    }

    /**
     * From a running proxy too old for {@code POST /admin/token-check}: the providers it serves and the settings
     * {@code GET /admin/config} reports, for a check made here. A proxy
     * that does not report them (an older version) is assumed to run with the defaults, and the result says so.
     * Null after printing why the providers cannot be read.
     */
    static TokenCheckConfig fetch(RemoteResources server, PrintWriter err) throws IOException {
        String yaml = server.listYaml(ResourceKind.IDENTITY_PROVIDERS);
        DocumentsLoadResult parsed = YamlConfigLoader.loadDocuments(ResourceKind.IDENTITY_PROVIDERS,
                "identity-providers", yaml);
        if (parsed instanceof DocumentsLoadResult.Invalid invalid) {
            invalid.errors().forEach(err::println);
            return null;
        }
        List<IdentityProvider> providers = ((DocumentsLoadResult.Parsed) parsed).resources().identityProviders();
        JsonNode settings = server.config().path("proxy");
        JsonNode maxTokenBytes = settings.path("limits").path("maxTokenBytes");
        JsonNode fetchTimeoutMillis = settings.path("jwks").path("fetchTimeoutMillis");
        int defaultMaxTokenBytes = Limits.DEFAULTS.maxTokenBytes();
        int defaultFetchTimeoutMillis = JwksSettings.DEFAULTS.fetchTimeoutMillis();
        String assumed = maxTokenBytes.isInt() && fetchTimeoutMillis.isInt() ? null
                : "the server does not report its limits; assumed the defaults (maxTokenBytes "
                        + defaultMaxTokenBytes + ", jwks.fetchTimeoutMillis " + defaultFetchTimeoutMillis + ")";
        return new TokenCheckConfig(providers, maxTokenBytes.asInt(defaultMaxTokenBytes),
                Duration.ofMillis(fetchTimeoutMillis.asInt(defaultFetchTimeoutMillis)), assumed);
    }
}
