package io.runagents.ingress.core.demo;

import io.runagents.ingress.config.edit.ResourceFiles;
import io.runagents.ingress.config.load.ConfigLoadResult;
import io.runagents.ingress.config.load.ResourceKind;
import io.runagents.ingress.config.load.ResourceYamlWriter;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.HostPort;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.core.runtime.SettingFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The demo's configuration as a real conf directory in its data directory, served like {@code serve} serves
 * one: so the console and {@code --server} can list and edit it through the admin API, and hot reload applies
 * what they write.
 */
final class DemoConf {
    private DemoConf() { }

    /** Writes {@code snapshot} into {@code dir} and loads it back into a store, initialised as {@code serve} does. */
    static ConfigStore write(Path dir, ConfigSnapshot snapshot) throws IOException {
        Files.createDirectories(dir);
        ProxySettings proxy = snapshot.proxy();
        Files.writeString(dir.resolve("proxy.yaml"), "# Written by bin/runagents demo for this run only.\n"
                + "listen: { ingress: \"" + address(proxy.listen().ingress()) + "\", egress: \""
                + address(proxy.listen().egress()) + "\", admin: \"" + address(proxy.listen().admin()) + "\" }\n"
                + "dataDir: " + quoted(proxy.dataDir()) + "\n"
                + "audit: { file: " + quoted(proxy.audit().file()) + " }\n"
                + consent(proxy));
        for (ResourceKind kind : ResourceKind.values()) {
            Path folder = Files.createDirectories(dir.resolve(kind.folder()));
            for (Record resource : records(snapshot, kind)) {
                Files.writeString(folder.resolve(ResourceFiles.nameOf(resource) + ".yaml"),
                        ResourceYamlWriter.write(resource));
            }
        }
        ConfigStore store = new ConfigStore(dir, Clock.systemUTC()).checkFilesWith(SettingFiles::check);
        ConfigLoadResult loaded = store.initialize();
        if (loaded instanceof ConfigLoadResult.Invalid invalid) {
            store.close();
            throw new IllegalStateException("demo configuration invalid: " + invalid.errors());
        }
        return store;
    }

    private static List<? extends Record> records(ConfigSnapshot s, ResourceKind kind) {
        return switch (kind) {
            case IDENTITY_PROVIDERS -> s.identityProviders();
            case AGENTS -> s.agents();
            case TOOLS -> s.tools();
            case POLICIES -> s.policies();
        };
    }

    /** The {@code consent} section, when the snapshot has a callback URL (the {@code drive} tool needs one). */
    private static String consent(ProxySettings proxy) {
        return proxy.consent().callbackUrl() == null ? ""
                : "consent: { callbackUrl: " + quoted(proxy.consent().callbackUrl().toString()) + " }\n";
    }

    private static String address(HostPort hostPort) {
        return hostPort.host() + ":" + hostPort.port();
    }

    /** A path as a YAML double-quoted scalar. */
    private static String quoted(String path) {
        return "\"" + path.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
