package io.runagents.ingress.core.cli;

import io.runagents.ingress.config.load.DocumentsLoadResult;
import io.runagents.ingress.config.load.ResourceKind;
import io.runagents.ingress.config.load.YamlConfigLoader;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.JwksSettings;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.core.identity.ProviderSelector;
import io.runagents.ingress.jwt.TokenDiagnostics;
import io.runagents.ingress.jwt.jwks.JwksException;
import io.runagents.ingress.jwt.jwks.JwksSnapshot;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runagents token verify}: every ingress check on a token, each printed as pass or fail. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Inspect bearer tokens.",
        subcommands = TokenCommand.Verify.class)
final class TokenCommand {

    /** {@code token verify TOKEN [--host HOST] [--provider NAME]}: exit 0 when the ingress would accept it. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Run every check the ingress would run on TOKEN and print each as pass/fail.")
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "TOKEN", description = "the raw JWT (without 'Bearer ')")
        private String token;
        @Option(names = "--host", description = "the host the request would be sent to (picks the provider)")
        private String host;
        @Option(names = "--provider", description = "the identity provider to check against")
        private String provider;
        @Mixin
        private ResourceTarget target;
        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String yaml;
            try {
                yaml = target.backend().listYaml(ResourceKind.IDENTITY_PROVIDERS);
            } catch (java.io.IOException e) {
                err.println("cannot read identity providers: " + e.getMessage());
                return 1;
            }
            DocumentsLoadResult parsed = YamlConfigLoader.loadDocuments(ResourceKind.IDENTITY_PROVIDERS,
                    "identity-providers", yaml);
            if (parsed instanceof DocumentsLoadResult.Invalid invalid) {
                invalid.errors().forEach(e -> err.println(e));
                return 1;
            }
            List<IdentityProvider> providers = ((DocumentsLoadResult.Parsed) parsed).resources().identityProviders();
            Optional<IdentityProvider> chosen = choose(providers);
            if (chosen.isEmpty()) {
                err.println(provider != null ? "identity-provider \"" + provider + "\" not found"
                        : "no identity provider matches; name one with --provider or --host");
                return 1;
            }
            IdentityProvider idp = chosen.get();
            out.printf("identity provider: %s (issuer %s)%n", idp.name(), idp.issuer());
            JwksSnapshot keys;
            try {
                keys = TokenDiagnostics.fetchKeys(idp, Duration.ofMillis(JwksSettings.DEFAULTS.fetchTimeoutMillis()),
                        Clock.systemUTC());
            } catch (JwksException e) {
                out.printf("fail  %-15s %s%n", "keys", e.getMessage());
                keys = JwksSnapshot.EMPTY;
            }
            List<TokenDiagnostics.Check> checks = TokenDiagnostics.run(idp, keys, token,
                    Limits.DEFAULTS.maxTokenBytes(), Clock.systemUTC());
            for (TokenDiagnostics.Check check : checks) {
                out.printf("%s  %-15s %s%n", check.passed() ? "pass" : "fail", check.name(), check.detail());
            }
            boolean accepted = TokenDiagnostics.accepted(checks) && keys.hasKeys();
            out.println(accepted ? "accepted" : "refused");
            return accepted ? 0 : 1;
        }

        /** The provider the ingress would use: named; else the host's (by iss); else by iss; else the only one. */
        private Optional<IdentityProvider> choose(List<IdentityProvider> providers) {
            if (provider != null) {
                return providers.stream().filter(p -> p.name().equals(provider)).findFirst();
            }
            List<IdentityProvider> candidates = host == null ? providers
                    : providers.stream().filter(p -> p.host().equals(host.toLowerCase(Locale.ROOT))).toList();
            return ProviderSelector.issuedBy(candidates, IdentityProvider::issuer, token);
        }
    }
}
