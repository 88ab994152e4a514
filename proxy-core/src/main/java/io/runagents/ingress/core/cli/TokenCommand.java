package io.runagents.ingress.core.cli;

import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.core.identity.ProviderChoice;
import io.runagents.ingress.core.http.Authority;
import io.runagents.ingress.jwt.TokenDiagnostics;
import io.runagents.ingress.jwt.jwks.JwksException;
import io.runagents.ingress.jwt.jwks.JwksSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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
        @Option(names = "--host", paramLabel = "HOST[:PORT]",
                description = "the Host the request would be sent to (picks the provider as the ingress does)")
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
            String routingHost = routingHost();
            Optional<RemoteResources> server = target.server();
            TokenCheckConfig config;
            try {
                config = server.isPresent() ? TokenCheckConfig.fetch(server.get(), err)
                        : TokenCheckConfig.load(target.config(), err);
            } catch (IOException e) {
                err.println("error: " + e.getMessage());
                return 1;
            }
            if (config == null) {
                return 1;
            }
            IdentityProvider idp = choose(config.providers(), routingHost);
            if (idp == null) {
                err.println(noProvider(config.providers(), routingHost));
                return 1;
            }
            out.printf("identity provider: %s (issuer %s)%n", idp.name(), idp.issuer());
            if (config.assumed() != null) {
                out.println("note: " + config.assumed());
            }
            JwksSnapshot keys;
            try {
                keys = TokenDiagnostics.fetchKeys(idp, config.fetchTimeout(), Clock.systemUTC());
            } catch (JwksException e) {
                out.printf("fail  %-15s %s%n", "keys", e.getMessage());
                keys = JwksSnapshot.EMPTY;
            }
            List<TokenDiagnostics.Check> checks = TokenDiagnostics.run(idp, keys, token, config.maxTokenBytes(),
                    Clock.systemUTC());
            for (TokenDiagnostics.Check check : checks) {
                out.printf("%s  %-15s %s%n", check.passed() ? "pass" : "fail", check.name(), check.detail());
            }
            boolean accepted = TokenDiagnostics.accepted(checks) && keys.hasKeys();
            out.println(accepted ? "accepted" : "refused");
            return accepted ? 0 : 1;
        }

        /** Why no provider can check the token; the ingress would answer 401. */
        private String noProvider(List<IdentityProvider> providers, String routingHost) {
            if (provider != null) {
                return "identity-provider \"" + provider + "\" not found";
            }
            if (providers.isEmpty()) {
                return "no identity provider is registered";
            }
            return routingHost != null
                    ? "no identity provider has host " + routingHost + " and more than one is registered;"
                            + " name one with --provider"
                    : "no identity provider matches; name one with --provider or --host";
        }

        /** {@code --host} as the ingress compares a Host header (lower case, port dropped); null when not given. */
        private String routingHost() {
            if (host == null) {
                return null;
            }
            String routing = Authority.routingHost(host);
            if (routing == null) {
                // The ingress answers such a Host with 400 before any token check.
                throw new ParameterException(spec.commandLine(), "--host: " + host + " (expected: host[:port])");
            }
            return routing;
        }

        /**
         * The provider the ingress would use, chosen by the ingress's own rule, {@code --provider} standing for
         * the agent's named provider. Without {@code --host} (any host), the token's {@code iss} picks among all.
         */
        private IdentityProvider choose(List<IdentityProvider> providers, String routingHost) {
            if (provider == null && routingHost == null) {
                return ProviderChoice.issuedBy(providers, token).orElse(null);
            }
            return ProviderChoice.of(providers).choose(provider, routingHost, token);
        }
    }
}
