package io.runagents.ingress.core.policy;

import java.util.List;
import java.util.Locale;

/**
 * Who a policy decides about: the user id, email (may be null), groups and token scopes of a verified end user,
 * and at the egress the agent calling for them (null at the ingress). {@link #ANONYMOUS} stands for the caller
 * of an open agent.
 */
public record Subject(String userId, String email, List<String> groups, List<String> scopes, String agent) {
    public static final Subject ANONYMOUS = new Subject(null, null, List.of(), List.of(), null);

    public Subject {
        groups = List.copyOf(groups);
        scopes = List.copyOf(scopes);
    }

    /** A user without scopes, at the ingress. */
    public Subject(String userId, String email, List<String> groups) {
        this(userId, email, groups, List.of(), null);
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
