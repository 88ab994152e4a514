package io.runagents.ingress.core.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.config.edit.ResourceChange;
import io.runagents.ingress.config.edit.ResourceFiles;
import io.runagents.ingress.config.edit.ResourceTrees;
import io.runagents.ingress.config.load.ResourceKind;
import io.runagents.ingress.config.load.ResourceYamlWriter;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.config.watch.ReloadStatus;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The admin API's operations, run on the admin I/O thread. Reads answer from the serving snapshot (what the
 * proxy enforces now); writes go to the files through {@link ResourceFiles} and then wait for the store's
 * reload, so a {@code GET} after a {@code PUT} sees the change.
 */
final class AdminResources {
    private final ConfigStore store;
    private final ResourceFiles files;
    private volatile Function<String, String> providerStatus = name -> "serving";

    AdminResources(ConfigStore store, ResourceFiles files) {
        this.store = store;
        this.files = files;
    }

    void providerStatus(Function<String, String> status) {
        this.providerStatus = status;
    }

    CompletionStage<AdminReply> answer(AdminApiHandler.Call call) throws IOException {
        List<String> s = call.segments();
        if (s.size() == 1 && s.get(0).equals("config")) {
            return done(call.method() == HttpMethod.GET ? config() : notAllowed("GET"));
        }
        Optional<ResourceKind> kind = ResourceKind.fromFolder(s.get(0));
        if (kind.isEmpty() || s.size() > 2 || (s.size() == 2 && s.get(1).isEmpty())) {
            return done(AdminReply.error(HttpResponseStatus.NOT_FOUND, "not_found", "no such admin endpoint"));
        }
        if (s.size() == 1) {
            return done(call.method() == HttpMethod.GET ? list(kind.get(), call.wantsYaml()) : notAllowed("GET"));
        }
        String name = s.get(1);
        if (call.method() == HttpMethod.GET) {
            return done(get(kind.get(), name, call.wantsYaml()));
        } else if (call.method() == HttpMethod.PUT) {
            return put(kind.get(), name, call.body(), call.dryRun());
        } else if (call.method() == HttpMethod.DELETE) {
            return delete(kind.get(), name, call.dryRun());
        }
        return done(notAllowed("GET, PUT, DELETE"));
    }

    private AdminReply config() {
        ObjectNode body = AdminReply.JSON.createObjectNode()
                .put("confDir", store.confDir().toString())
                .put("version", store.version())
                .put("loadedAt", String.valueOf(store.loadedAt()));
        body.set("lastReload", status(store.lastReload()));
        body.set("proxy", enforcedSettings(store.current().proxy()));
        return AdminReply.json(HttpResponseStatus.OK, body);
    }

    /**
     * The proxy.yaml sections the serving snapshot enforces on tokens ({@code limits}, {@code jwks}), so that
     * {@code runagents token verify --server} checks with the server's limits. Only these: other sections hold
     * paths and URLs (a token store URL may carry a password).
     */
    private static ObjectNode enforcedSettings(ProxySettings proxy) {
        ObjectNode node = AdminReply.JSON.createObjectNode();
        node.set("limits", AdminReply.JSON.valueToTree(proxy.limits()));
        node.set("jwks", AdminReply.JSON.valueToTree(proxy.jwks()));
        return node;
    }

    static ObjectNode status(ReloadStatus status) {
        ObjectNode node = AdminReply.JSON.createObjectNode();
        if (status != null) {
            node.put("result", status.result().label()).put("at", status.at().toString())
                    .put("message", status.message());
            node.set("errors", AdminReply.errors(status.errors()));
        }
        return node;
    }

    private AdminReply list(ResourceKind kind, boolean yaml) {
        List<? extends Record> records = records(store.current(), kind);
        if (yaml) {
            return AdminReply.yaml(ResourceYamlWriter.writeAll(records));
        }
        ObjectNode body = AdminReply.JSON.createObjectNode().put("kind", kind.folder()).put("version", store.version());
        ArrayNode items = body.putArray("items");
        for (Record r : records) {
            items.add(item(kind, r));
        }
        return AdminReply.json(HttpResponseStatus.OK, body);
    }

    private AdminReply get(ResourceKind kind, String name, boolean yaml) {
        Optional<? extends Record> found = records(store.current(), kind).stream()
                .filter(r -> ResourceFiles.nameOf(r).equals(name)).findFirst();
        if (found.isEmpty()) {
            return notFound(kind, name);
        }
        return yaml ? AdminReply.yaml(ResourceYamlWriter.write(found.get()))
                : AdminReply.json(HttpResponseStatus.OK, item(kind, found.get()));
    }

    private ObjectNode item(ResourceKind kind, Record r) {
        ObjectNode tree = ResourceTrees.tree(r);
        if (kind == ResourceKind.IDENTITY_PROVIDERS) {
            tree.put("status", providerStatus.apply(ResourceFiles.nameOf(r)));
        }
        return tree;
    }

    private CompletionStage<AdminReply> put(ResourceKind kind, String name, String yaml, boolean dryRun)
            throws IOException {
        ResourceChange change = files.planApply(kind, "request", yaml);
        if (!change.valid()) {
            return done(AdminReply.invalid(change.errors()));
        }
        if (change.outcomes().size() != 1 || !change.outcomes().get(0).name().equals(name)) {
            return done(AdminReply.error(HttpResponseStatus.BAD_REQUEST, "name_mismatch", "the body defines "
                    + change.outcomes().stream().map(o -> o.name()).toList() + " (expected: exactly one "
                    + kind.singular() + " named " + name + ")"));
        }
        ResourceChange.Action action = change.outcomes().get(0).action();
        return commit(change, dryRun, action == ResourceChange.Action.CREATED
                ? HttpResponseStatus.CREATED : HttpResponseStatus.OK);
    }

    private CompletionStage<AdminReply> delete(ResourceKind kind, String name, boolean dryRun) throws IOException {
        ResourceChange change = files.planDelete(kind, name);
        if (change.outcomes().get(0).action() == ResourceChange.Action.NOT_FOUND) {
            return done(notFound(kind, name));
        }
        if (!change.valid()) {
            return done(AdminReply.invalid(change.errors()));
        }
        return commit(change, dryRun, HttpResponseStatus.OK);
    }

    private CompletionStage<AdminReply> commit(ResourceChange change, boolean dryRun, HttpResponseStatus status)
            throws IOException {
        ResourceChange.Outcome outcome = change.outcomes().get(0);
        ObjectNode body = AdminReply.JSON.createObjectNode()
                .put("resource", outcome.kind().singular() + "/" + outcome.name())
                .put("result", outcome.action().label());
        if (dryRun) {
            body.put("dryRun", true).put("diff", change.diff(store.confDir().getFileName() + "/"));
            return done(AdminReply.json(HttpResponseStatus.OK, body));
        }
        if (change.writes().isEmpty()) {
            return done(AdminReply.json(status, body));
        }
        files.commit(change);
        // The watcher would reload too; waiting here makes the change visible before the client hears "done".
        return store.reload().thenApply(reload -> {
            body.set("reload", status(reload));
            return AdminReply.json(status, body);
        });
    }

    static List<? extends Record> records(ConfigSnapshot snapshot, ResourceKind kind) {
        return switch (kind) {
            case IDENTITY_PROVIDERS -> snapshot.identityProviders();
            case AGENTS -> snapshot.agents();
            case TOOLS -> snapshot.tools();
            case POLICIES -> snapshot.policies();
        };
    }

    private static AdminReply notFound(ResourceKind kind, String name) {
        return AdminReply.error(HttpResponseStatus.NOT_FOUND, "not_found",
                kind.singular() + " \"" + name + "\" not found");
    }

    private static AdminReply notAllowed(String allowed) {
        return AdminReply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "only " + allowed);
    }

    private static CompletionStage<AdminReply> done(AdminReply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
