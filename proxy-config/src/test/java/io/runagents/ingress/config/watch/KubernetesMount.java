package io.runagents.ingress.config.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;

/**
 * A conf directory laid out the way the kubelet mounts a ConfigMap: the real files in a timestamped hidden
 * folder, {@code ..data} a link to it, and the visible names links through {@code ..data}. An update writes a
 * new folder and renames a fresh link over {@code ..data}, so every visible file changes at once.
 */
final class KubernetesMount {
    private KubernetesMount() { }

    static Path create(Path conf, String version, String agentYaml) throws IOException {
        Files.createDirectories(conf);
        writeVersion(conf, version, agentYaml, null);
        Files.createSymbolicLink(conf.resolve("..data"), Path.of(version));
        Files.createSymbolicLink(conf.resolve("agents"), Path.of("..data/agents"));
        return conf;
    }

    static void swap(Path conf, String oldVersion, String newVersion, String agentYaml) throws IOException {
        FileTime oldTime = Files.getLastModifiedTime(conf.resolve(oldVersion).resolve("agents/a.yaml"));
        writeVersion(conf, newVersion, agentYaml, oldTime);
        Path tmpLink = Files.createSymbolicLink(conf.resolve("..data_tmp"), Path.of(newVersion));
        Files.move(tmpLink, conf.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        Path old = conf.resolve(oldVersion);
        Files.delete(old.resolve("agents/a.yaml"));
        Files.delete(old.resolve("agents"));
        Files.delete(old);
    }

    private static void writeVersion(Path conf, String version, String agentYaml, FileTime time) throws IOException {
        Path agents = Files.createDirectories(conf.resolve(version).resolve("agents"));
        Path file = Files.writeString(agents.resolve("a.yaml"), agentYaml);
        if (time != null) {
            Files.setLastModifiedTime(file, time);
        }
    }
}
