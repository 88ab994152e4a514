package io.runagents.ingress.core.policy;

import java.util.List;
import java.util.Locale;

/**
 * Who a policy decides about: the user id, email (may be null) and groups of a verified end user.
 * {@link #ANONYMOUS} stands for the caller of an open agent.
 */
public record Subject(String userId, String email, List<String> groups) {
    public static final Subject ANONYMOUS = new Subject(null, null, List.of());

    public Subject {
        groups = List.copyOf(groups);
    }

    /** The domain of the email (or of an email-shaped user id), lower case; null when there is none. */
    public String domain() {
        String address = email != null ? email : userId;
        if (address == null) {
            return null;
        }
        int at = address.indexOf('@');
        return at < 0 || at != address.lastIndexOf('@') ? null : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
