package io.runagents.ingress.core.http;

import java.util.Locale;

/**
 * The host part of a request's authority ({@code Host} header or absolute-form target), validated and
 * reduced to what routing and provider selection compare: lower case, without port, without a trailing dot.
 * Public for {@code runagents token verify --host}, which must compare the host as the ingress does.
 */
public final class Authority {
    private Authority() { }

    /** Returns the routing host of {@code authority}, or null when it is not a valid {@code host[:port]}. */
    public static String routingHost(String authority) {
        if (authority == null || authority.isEmpty()) {
            return null;
        }
        String host;
        String port;
        if (authority.charAt(0) == '[') {
            int close = authority.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = authority.substring(0, close + 1);
            if (!validIpv6Literal(host)) {
                return null;
            }
            String rest = authority.substring(close + 1);
            if (!rest.isEmpty() && rest.charAt(0) != ':') {
                return null;
            }
            port = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            port = colon < 0 ? null : authority.substring(colon + 1);
            if (!validRegName(host)) {
                return null;
            }
        }
        if (port != null && !validPort(port)) {
            return null;
        }
        String lower = host.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".") && lower.length() > 1) {
            lower = lower.substring(0, lower.length() - 1);
        }
        return lower;
    }

    private static boolean validRegName(String host) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean validIpv6Literal(String bracketed) {
        if (bracketed.length() < 4) {
            return false;
        }
        for (int i = 1; i < bracketed.length() - 1; i++) {
            char c = bracketed.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean validPort(String port) {
        if (port.isEmpty() || port.length() > 5) {
            return port.isEmpty();
        }
        for (int i = 0; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(port) <= 65535;
    }
}
