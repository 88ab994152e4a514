package io.runagents.ingress.jwt.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A token's scopes (SPEC section 11): the {@code scope} claim, a space-separated string (RFC 8693, RFC 9068), or
 * the {@code scp} claim that Entra ID and Okta send, an array of strings or such a string. A token with both, or
 * with either in another shape, has no trustworthy scopes and is refused; so is a scope that is not an RFC 6749
 * scope-token (printable ASCII without space, {@code "} or {@code \}), which could not be stated in a
 * {@code WWW-Authenticate} challenge or matched by a policy.
 */
public final class TokenScopes {
    private TokenScopes() {
    }

    /** The scopes of {@code claims}, empty when it has none, or null when its scope claims are malformed. */
    public static List<String> of(Map<String, Object> claims) {
        Object scope = claims.get("scope");
        Object scp = claims.get("scp");
        if (scope != null && scp != null) {
            return null;
        }
        if (scope != null) {
            return scope instanceof String s ? split(s) : null;
        }
        if (scp instanceof String s) {
            return split(s);
        }
        if (scp instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object item : list) {
                if (!(item instanceof String s) || !isScopeToken(s)) {
                    return null;
                }
                out.add(s);
            }
            return List.copyOf(out);
        }
        return scp == null ? List.of() : null;
    }

    private static List<String> split(String spaced) {
        List<String> out = new ArrayList<>();
        for (String part : spaced.split(" ", -1)) {
            if (part.isEmpty()) {
                continue; // RFC 6749 means one space between scopes; doubled or outer spaces carry nothing
            }
            if (!isScopeToken(part)) {
                return null;
            }
            out.add(part);
        }
        return List.copyOf(out);
    }

    /** RFC 6749 section 3.3: {@code scope-token = 1*( %x21 / %x23-5B / %x5D-7E )}. */
    public static boolean isScopeToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
