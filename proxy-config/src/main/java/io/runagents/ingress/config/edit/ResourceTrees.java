package io.runagents.ingress.config.edit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.runagents.ingress.config.load.ResourceYamlWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Resources as JSON trees in the SPEC's shape ({@code {"name": ..., "spec": {...}}}, defaults omitted), for
 * {@code -o json} and the admin API. Made from {@link ResourceYamlWriter}'s output so that YAML and JSON
 * always show the same fields.
 */
public final class ResourceTrees {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ResourceTrees() { }

    /** The resource as {@code {"name": ..., "spec": {...}}}. */
    public static ObjectNode tree(Record resource) {
        try {
            return (ObjectNode) YAML.readTree(ResourceYamlWriter.write(resource));
        } catch (IOException e) {
            throw new UncheckedIOException("rendering " + ResourceFiles.nameOf(resource), e);
        }
    }
}
