package io.runagents.ingress.core.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runagents.ingress.core.admin.CheckJson;
import io.runagents.ingress.core.http.Authority;
import io.runagents.ingress.core.identity.TokenCheck;
import io.runagents.ingress.jwt.TokenDiagnostics;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
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
        private static final ObjectMapper JSON = new ObjectMapper();
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
            checkHost();
            Optional<RemoteResources> server = target.server();
            TokenCheck.Result result;
            String note = null;
            try {
                Optional<TokenCheck.Result> remote = server.isPresent() ? checkOn(server.get()) : Optional.empty();
                if (remote.isPresent()) {
                    result = remote.get();
                } else {
                    TokenCheckConfig config = server.isPresent() ? TokenCheckConfig.fetch(server.get(), err)
                            : TokenCheckConfig.load(target.config(), err);
                    if (config == null) {
                        return 1;
                    }
                    note = config.assumed();
                    result = TokenCheck.run(config.settings(), token, host, provider, Clock.systemUTC());
                }
            } catch (IOException e) {
                err.println("error: " + e.getMessage());
                return 1;
            }
            if (result.refusal() != null) {
                err.println(result.refusal());
                return 1;
            }
            out.printf("identity provider: %s (issuer %s)%n", result.provider(), result.issuer());
            if (note != null) {
                out.println("note: " + note);
            }
            for (TokenDiagnostics.Check check : result.checks()) {
                out.printf("%s  %-15s %s%n", check.passed() ? "pass" : "fail", check.name(), check.detail());
            }
            out.println(result.accepted() ? "accepted" : "refused");
            return result.accepted() ? 0 : 1;
        }

        /**
         * The check made by the server, on its live configuration, with the keys it fetches ({@code POST
         * /admin/token-check}); empty when the server is too old to have the endpoint.
         */
        private Optional<TokenCheck.Result> checkOn(RemoteResources server) throws IOException {
            ObjectNode body = JSON.createObjectNode().put("token", token).put("host", host).put("provider", provider);
            RemoteResources.Answer answer = server.post("/admin/token-check", body);
            if (answer.status() == 200) {
                return Optional.of(CheckJson.tokenCheck(answer.body()));
            }
            if (answer.status() == 404 || answer.status() == 405) {
                return Optional.empty();
            }
            throw new IOException("server: " + answer.status() + " " + answer.description());
        }

        /** {@code --host} must be what the ingress accepts as a Host: it answers others 400 before any check. */
        private void checkHost() {
            if (host != null && Authority.routingHost(host) == null) {
                throw new ParameterException(spec.commandLine(), "--host: " + host + " (expected: host[:port])");
            }
        }
    }
}
