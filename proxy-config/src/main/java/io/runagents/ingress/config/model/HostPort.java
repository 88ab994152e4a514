package io.runagents.ingress.config.model;

import java.util.Objects;

/** A listener address from {@code proxy.yaml}, such as {@code 0.0.0.0:8080} or {@code [::1]:9901}. */
public record HostPort(String host, int port) {
    public HostPort {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
