package io.runagents.ingress.core.admin;

import io.runagents.ingress.config.model.HostPort;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;

/**
 * SPEC section 10: an admin listener on a non-loopback address without {@code RUNAGENTS_ADMIN_TOKEN} refuses to
 * start. Without a token the admin API answers loopback clients only, so such a listener would serve nobody but
 * invite someone to "fix" it by opening it up; with it, {@code /admin/*} needs the token as a bearer token.
 */
public final class AdminExposure {
    /** Every address of the host: never loopback, whatever the resolver says of an empty name. */
    private static final Set<String> WILDCARDS = Set.of("", "0.0.0.0", "::", "::0", "[::]", "*");

    private AdminExposure() { }

    /** Why the proxy must not start with this admin address and token (null: it may). */
    public static String refusal(HostPort admin, String adminToken) {
        if (adminToken != null && !adminToken.isEmpty()) {
            return null;
        }
        if (isLoopback(admin.host())) {
            return null;
        }
        return "listen.admin: " + admin + " is not a loopback address and RUNAGENTS_ADMIN_TOKEN is not set (set it to"
                + " a long random token, which /admin/* then requires, or listen on 127.0.0.1)";
    }

    /** Whether every address {@code host} names is a loopback one (a name that does not resolve is not). */
    static boolean isLoopback(String host) {
        if (WILDCARDS.contains(host)) {
            return false;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
