package io.runagents.ingress.core.identity;

import java.util.List;

/**
 * Turns a claim value into a {@code claimHeaders} header value: strings as they are, numbers and booleans
 * as text, arrays joined with {@code ,}. Anything else (objects, nulls), any value outside printable ASCII,
 * and a value with a space at either end (the agent's parser would strip it, so it would read another
 * value) yields no header: a claim must never be able to inject a header line, and HTTP/1.1 header values
 * carry no reliable character set beyond ASCII.
 */
public final class ClaimHeaderValues {
    private ClaimHeaderValues() { }

    /** Header values longer than this are not forwarded. */
    static final int MAX_LENGTH = 4096;

    /** The header value for {@code claim}, or null when it cannot be one. */
    public static String render(Object claim) {
        String value;
        if (claim instanceof String s) {
            value = s;
        } else if (claim instanceof Number || claim instanceof Boolean) {
            value = claim.toString();
        } else if (claim instanceof List<?> list) {
            StringBuilder sb = new StringBuilder();
            for (Object element : list) {
                if (!(element instanceof String) && !(element instanceof Number) && !(element instanceof Boolean)) {
                    return null;
                }
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(element);
            }
            value = sb.toString();
        } else {
            return null;
        }
        return clean(value) ? value : null;
    }

    private static boolean clean(String value) {
        if (value.isEmpty() || value.length() > MAX_LENGTH || value.charAt(0) == ' '
                || value.charAt(value.length() - 1) == ' ') {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
