package io.runagents.ingress.config.load;

import java.util.Optional;

/** The four resource kinds; the conf sub-folder a file sits in decides its kind. */
public enum ResourceKind {
    IDENTITY_PROVIDERS("identity-providers", "identity-provider"),
    AGENTS("agents", "agent"),
    TOOLS("tools", "tool"),
    POLICIES("policies", "policy");

    private final String folder;
    private final String singular;

    ResourceKind(String folder, String singular) {
        this.folder = folder;
        this.singular = singular;
    }

    /** The folder under the conf directory, such as {@code identity-providers}. */
    public String folder() {
        return folder;
    }

    /** The singular used in messages, such as {@code identity-provider/NAME created}. */
    public String singular() {
        return singular;
    }

    /** The kind whose folder is {@code folder}. */
    public static Optional<ResourceKind> fromFolder(String folder) {
        for (ResourceKind k : values()) {
            if (k.folder.equals(folder)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
