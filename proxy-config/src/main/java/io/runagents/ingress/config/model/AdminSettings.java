package io.runagents.ingress.config.model;

import java.util.List;

/**
 * The admin listener ({@code proxy.yaml: admin}).
 *
 * @param allowedHosts host names (lower case, no port) that {@code /admin/*} and the console answer besides the
 *                     listener's own address and {@code localhost}: protection against DNS rebinding
 */
public record AdminSettings(List<String> allowedHosts) {
    public static final AdminSettings DEFAULTS = new AdminSettings(List.of());

    public AdminSettings {
        allowedHosts = List.copyOf(allowedHosts);
    }
}
