package io.runagents.ingress.config.load;

import io.runagents.ingress.config.model.ProxySettings;
import java.util.List;
import java.util.Objects;

/**
 * Checks the files that {@code proxy.yaml}'s settings name (the ingress certificate and key, the identity
 * context key, the audit file). Only proxy-core can read them, with the same code that later uses them; the
 * loader calls this check with the bound settings and reports each problem at its field's position, so a
 * missing certificate reads like every other config error: {@code conf/proxy.yaml:3:20: tls.certFile: ...}.
 */
@FunctionalInterface
public interface SettingFilesCheck {
    /** Checks nothing: for loads that only need the YAML (dry runs of resource edits, tests). */
    SettingFilesCheck NONE = settings -> List.of();

    /** Every problem with the files {@code settings} name; empty when they can all be used. */
    List<Problem> check(ProxySettings settings);

    /**
     * One unusable file.
     *
     * @param field the dotted proxy.yaml field that names it, such as {@code tls.certFile}
     * @param message what is wrong, such as {@code cannot read /etc/tls.crt (no such file)}
     */
    record Problem(String field, String message) {
        public Problem {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return field + ": " + message;
        }
    }
}
