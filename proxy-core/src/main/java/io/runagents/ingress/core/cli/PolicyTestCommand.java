package io.runagents.ingress.core.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.core.admin.CheckJson;
import io.runagents.ingress.core.policy.PolicyCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code runagents policies test}: explains what the policies of a conf directory, or of a running proxy
 * ({@code --server}, through {@code POST /admin/policy-test}), decide for a user, a target, a method and a
 * path, rule by rule, without sending anything. Exit 0 allowed, 1 denied or invalid configuration, 2 usage.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Explain the policy decision for a user, target, method and path (nothing is sent).")
final class PolicyTestCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    private ResourceTarget source;
    @Option(names = "--user", required = true, description = "the user id (X-End-User-ID)")
    private String user;
    @Option(names = "--email", description = "the user's email (default: the user id when it is one)")
    private String email;
    @Option(names = "--groups", split = ",", description = "the user's groups, comma-separated")
    private List<String> groups = List.of();
    @Option(names = "--scopes", split = "[ ,]", description = "the token's scopes, comma- or space-separated")
    private List<String> scopes = List.of();
    @Option(names = "--from-agent", description = "for --tool: the calling agent (the identity context's aud)")
    private String fromAgent;
    @ArgGroup(exclusive = true, multiplicity = "1")
    private Target target;
    @Option(names = "--method", defaultValue = "GET", description = "HTTP method (default: ${DEFAULT-VALUE})")
    private String method;
    @Option(names = "--path", defaultValue = "/", description = "path relative to the tool or agent (default: /)")
    private String path;
    @Spec
    private CommandSpec spec;

    static final class Target {
        @Option(names = "--tool", required = true, description = "a tool name (egress policies)")
        String tool;
        @Option(names = "--agent", required = true, description = "an agent name (ingress policies)")
        String agent;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PolicyCheck.Request request = new PolicyCheck.Request(user, email, groups, target.tool, target.agent,
                method, path, scopes, fromAgent);
        Optional<RemoteResources> server = source.server();
        PolicyCheck.Result result;
        try {
            if (server.isPresent()) {
                result = checkOn(server.get(), request);
            } else {
                ConfigSnapshot snapshot = source.config().load(err);
                if (snapshot == null) {
                    return 1;
                }
                result = PolicyCheck.run(snapshot, request);
            }
        } catch (NoSuchElementException | IOException e) {
            err.println(e instanceof IOException ? "error: " + e.getMessage() : e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
        for (PolicyCheck.Rule rule : result.rules()) {
            out.printf("  %s#%d %s: %s%n", rule.policy(), rule.index(), rule.effect(),
                    rule.matches() ? "matches" : "no match (" + rule.mismatch() + ")");
        }
        out.println(result.verdict());
        return result.decision().allowed() ? 0 : 1;
    }

    /** The explanation by the server, on its live configuration. */
    private static PolicyCheck.Result checkOn(RemoteResources server, PolicyCheck.Request request)
            throws IOException {
        ObjectNode body = JSON.createObjectNode().put("user", request.user()).put("email", request.email())
                .put("tool", request.tool()).put("agent", request.agent()).put("method", request.method())
                .put("path", request.path());
        request.groups().forEach(body.putArray("groups")::add);
        request.scopes().forEach(body.putArray("scopes")::add);
        body.put("fromAgent", request.fromAgent());
        RemoteResources.Answer answer = server.post("/admin/policy-test", body);
        return switch (answer.status()) {
            case 200 -> CheckJson.policyCheck(answer.body());
            case 400 -> throw new IllegalArgumentException(answer.description());
            case 404 -> throw new NoSuchElementException(answer.body().path("error_description")
                    .asText(request.kind() + " \"" + request.target() + "\" not found"));
            default -> throw new IOException("server: " + answer.status() + " " + answer.description());
        };
    }
}
