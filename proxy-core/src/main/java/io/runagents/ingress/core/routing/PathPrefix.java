package io.runagents.ingress.core.routing;

/**
 * Segment-wise path prefixes, as routing and policies use them: {@code /support} covers {@code /support}
 * and {@code /support/x}, never {@code /supportx}.
 */
public final class PathPrefix {
    private PathPrefix() { }

    /** True when {@code path} equals {@code prefix} or lies below it; the prefix {@code /} covers everything. */
    public static boolean matches(String prefix, String path) {
        if (prefix.length() == 1) {
            return true;
        }
        if (prefix.endsWith("/")) {
            return path.startsWith(prefix) || path.equals(prefix.substring(0, prefix.length() - 1));
        }
        return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }

    /** {@code path} with {@code prefix} removed ({@code /} when nothing is left); assumes {@link #matches}. */
    public static String relative(String prefix, String path) {
        if (prefix.length() == 1) {
            return path;
        }
        String rest = path.substring(Math.min(path.length(), prefix.endsWith("/") ? prefix.length() - 1 : prefix.length()));
        return rest.isEmpty() ? "/" : rest;
    }
}
