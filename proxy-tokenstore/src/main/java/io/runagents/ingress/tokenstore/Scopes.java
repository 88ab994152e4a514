package io.runagents.ingress.tokenstore;

import java.util.Arrays;
import java.util.List;

/** OAuth scope lists, stored as the space-separated string of RFC 6749 section 3.3. */
public final class Scopes {

    private Scopes() {
    }

    /** An immutable copy of {@code scopes}, each a non-empty scope-token without spaces or quotes. */
    public static List<String> checked(List<String> scopes) {
        List<String> copy = List.copyOf(scopes);
        for (String s : copy) {
            if (s.isEmpty() || !s.chars().allMatch(c -> c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E))) {
                throw new IllegalArgumentException("scopes: '" + s + "' (expected: a scope-token, RFC 6749 section 3.3)");
            }
        }
        return copy;
    }

    /** {@code scopes} joined with single spaces. */
    public static String join(List<String> scopes) {
        return String.join(" ", scopes);
    }

    /** The list a stored string holds; the empty string is the empty list. */
    public static List<String> split(String stored) {
        return stored.isEmpty() ? List.of() : List.copyOf(Arrays.asList(stored.split(" ")));
    }
}
