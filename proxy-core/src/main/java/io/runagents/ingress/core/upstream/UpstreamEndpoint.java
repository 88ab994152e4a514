package io.runagents.ingress.core.upstream;

import io.runagents.ingress.core.routing.UpstreamTarget;

/** Where an upstream connection goes: connections are pooled per endpoint (and per event loop). */
public record UpstreamEndpoint(String host, int port, boolean tls) {
    public static UpstreamEndpoint of(UpstreamTarget target) {
        return new UpstreamEndpoint(target.host(), target.port(), target.tls());
    }

    @Override
    public String toString() {
        return (tls ? "https://" : "http://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
