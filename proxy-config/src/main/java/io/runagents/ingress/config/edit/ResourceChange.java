package io.runagents.ingress.config.edit;

import io.runagents.ingress.config.load.ConfigError;
import io.runagents.ingress.config.load.ResourceKind;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A planned edit of the conf directory: what happens to each resource, the files it rewrites, and, when the
 * directory would be invalid afterwards, every error (then nothing may be written). Made by {@link ResourceFiles}.
 */
public record ResourceChange(List<ConfigError> errors, List<Outcome> outcomes, List<FileWrite> writes) {
    /** What an edit does to one resource. */
    public enum Action {
        CREATED, CONFIGURED, UNCHANGED, DELETED, NOT_FOUND;

        /** The word printed after {@code kind/name}, such as {@code configured}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** One resource's fate, printed as {@code identity-provider/corp created}. */
    public record Outcome(ResourceKind kind, String name, Action action) {
        @Override
        public String toString() {
            return kind.singular() + "/" + name + " " + action.label();
        }
    }

    /**
     * One file to write.
     *
     * @param relativePath such as {@code agents/a.yaml}, with {@code /} separators
     * @param before the current text; null when the file is new
     * @param after the new text; null when the file is to be deleted
     */
    public record FileWrite(String relativePath, String before, String after) {
        public FileWrite {
            Objects.requireNonNull(relativePath, "relativePath");
        }
    }

    public ResourceChange {
        errors = List.copyOf(errors);
        outcomes = List.copyOf(outcomes);
        writes = List.copyOf(writes);
    }

    static ResourceChange refused(List<ConfigError> errors) {
        return new ResourceChange(errors, List.of(), List.of());
    }

    /** True when the change may be committed. */
    public boolean valid() {
        return errors.isEmpty();
    }

    /** A unified diff of every file the change writes, paths shown under {@code prefix} (such as {@code conf/}). */
    public String diff(String prefix) {
        StringBuilder sb = new StringBuilder();
        for (FileWrite w : writes) {
            sb.append(LineDiff.unified(w.before() == null ? "/dev/null" : prefix + w.relativePath(),
                    w.after() == null ? "/dev/null" : prefix + w.relativePath(),
                    w.before() == null ? "" : w.before(), w.after() == null ? "" : w.after()));
        }
        return sb.toString();
    }
}
