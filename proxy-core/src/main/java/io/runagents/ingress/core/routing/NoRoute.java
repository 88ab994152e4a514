package io.runagents.ingress.core.routing;

/** No agent or tool matches the request: it is answered 404. */
public enum NoRoute implements Route {
    INSTANCE
}
