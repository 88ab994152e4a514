package io.runagents.ingress.config.testing;

/** Resource documents the proxy-config tests write into conf directories. */
public final class ResourceYaml {
    /** An open agent: {@code AGENT.formatted(name, pathPrefixWithoutSlash)}. */
    public static final String AGENT = """
            name: %s
            spec:
              pathPrefix: /%s
              upstream: http://127.0.0.1:9000
              access: open
            """;

    private ResourceYaml() {
    }
}
