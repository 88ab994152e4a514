package io.runagents.ingress.core.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runagents.ingress.config.load.ResourceKind;
import java.util.List;
import java.util.Optional;

/**
 * Where the resource commands read and write: the conf directory ({@link LocalResources}) or a running proxy's
 * admin API ({@link RemoteResources}). Both give the same answers, so each verb is written once.
 */
interface ResourceBackend {
    /**
     * What an edit did.
     *
     * @param errors {@code file:line:col} lines (or other reasons) when refused; then nothing was written
     * @param lines one {@code kind/name result} line per resource
     * @param diff the unified diff of a dry run; empty otherwise
     */
    record Result(List<String> errors, List<String> lines, String diff, boolean notFound) {
        static Result refused(List<String> errors) {
            return new Result(errors, List.of(), "", false);
        }

        static Result missing() {
            return new Result(List.of(), List.of(), "", true);
        }
    }

    /**
     * The errors that make the source invalid, as {@code file:line:col: field: message} lines: the resources
     * read skip every document that fails, so {@code list} and {@code get} print these rather than stay
     * silent about what they left out. Empty when it is valid.
     */
    List<String> directoryErrors() throws Exception;

    /** Every resource of the kind as {@code {"name", "spec"[, "status"]}}. */
    List<ObjectNode> list(ResourceKind kind) throws Exception;

    /** Every resource of the kind as one multi-document YAML stream. */
    String listYaml(ResourceKind kind) throws Exception;

    Optional<ObjectNode> json(ResourceKind kind, String name) throws Exception;

    Optional<String> yaml(ResourceKind kind, String name) throws Exception;

    /** Validates and writes every document of {@code yaml}; {@code sourceName} names it in errors. */
    Result apply(ResourceKind kind, String sourceName, String yaml, boolean dryRun) throws Exception;

    Result delete(ResourceKind kind, String name, boolean dryRun) throws Exception;
}
