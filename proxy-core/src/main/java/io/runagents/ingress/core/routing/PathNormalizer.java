package io.runagents.ingress.core.routing;

/**
 * Normalises a request path once, so that routing, policies and the agent all see the same path.
 *
 * <p>Percent-encoded unreserved characters are decoded ({@code %2e} is a dot, so {@code /a/%2e%2e/b} is
 * {@code /b}); other escapes are kept with upper-case hex. Dot segments are removed and repeated slashes
 * merged. Encoded {@code /}, {@code \} and NUL, raw backslashes, control and non-ASCII characters, broken
 * escapes and path parameters ({@code ;}, raw or as {@code %3B}) are refused: an agent framework could read those differently
 * from the proxy, which is how path-based rules get bypassed. (Servlet containers and Spring drop
 * {@code ;x} from a segment, so {@code /admin;x/users} would be {@code /admin/users} to the agent but not
 * under the prefix {@code /admin} to routing and policies; Spring Security's firewall refuses {@code ;}
 * for the same reason.)
 */
public final class PathNormalizer {
    private PathNormalizer() { }

    /** Why a path was refused. */
    public static final class InvalidPathException extends Exception {
        InvalidPathException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Returns the normalised form of {@code rawPath} (the part of the request target before {@code ?}).
     *
     * @throws InvalidPathException when the path must be answered with 400
     */
    public static String normalize(String rawPath) throws InvalidPathException {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw new InvalidPathException("path must start with /");
        }
        String decoded = decodeUnreserved(rawPath);
        if (isAlreadyNormal(decoded)) {
            return decoded;
        }
        return removeDotSegments(decoded);
    }

    private static String decodeUnreserved(String raw) throws InvalidPathException {
        StringBuilder out = null;
        int len = raw.length();
        for (int i = 0; i < len; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= len) {
                    throw new InvalidPathException("incomplete percent-encoding");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new InvalidPathException("invalid percent-encoding");
                }
                int value = (hi << 4) | lo;
                if (value == '/' || value == '\\' || value == 0) {
                    throw new InvalidPathException("encoded '/', '\\' or NUL in path");
                }
                if (value == ';') {
                    // Some frameworks decode before they split off path parameters (Spring's firewall refuses it too).
                    throw new InvalidPathException("path parameters (;) are not accepted, encoded or not");
                }
                if (out == null) {
                    out = new StringBuilder(len).append(raw, 0, i);
                }
                if (isUnreserved(value)) {
                    out.append((char) value);
                } else {
                    out.append('%').append(Character.toUpperCase(raw.charAt(i + 1)))
                            .append(Character.toUpperCase(raw.charAt(i + 2)));
                }
                i += 2;
            } else if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '#') {
                throw new InvalidPathException("invalid character in path");
            } else if (c == ';') {
                throw new InvalidPathException("path parameters (;) are not accepted");
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? raw : out.toString();
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** Fast path: no "//" and no segment starting with a dot. Most paths take it. */
    private static boolean isAlreadyNormal(String path) {
        for (int i = 1; i < path.length(); i++) {
            char c = path.charAt(i);
            if ((c == '/' || c == '.') && path.charAt(i - 1) == '/') {
                return false;
            }
        }
        return true;
    }

    private static String removeDotSegments(String path) {
        String[] segments = path.substring(1).split("/", -1);
        String[] kept = new String[segments.length];
        int depth = 0;
        boolean trailingSlash = false;
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (segment.isEmpty()) {
                trailingSlash = last && depth > 0;
                continue;
            }
            if (segment.equals(".") || segment.equals("..")) {
                if (segment.equals("..") && depth > 0) {
                    depth--;
                }
                trailingSlash = last;
                continue;
            }
            kept[depth++] = segment;
            trailingSlash = false;
        }
        StringBuilder sb = new StringBuilder(path.length());
        for (int i = 0; i < depth; i++) {
            sb.append('/').append(kept[i]);
        }
        if (sb.length() == 0 || trailingSlash) {
            sb.append('/');
        }
        return sb.toString();
    }
}
