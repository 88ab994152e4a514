package io.runagents.ingress.config.model;

/** Whether an agent needs a verified end user. */
public enum Access {
    OPEN, AUTHENTICATED;

    /** The spelling used in YAML. */
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
