package io.runagents.ingress.core.http;

/** Text for the few HTML pages the proxy (and its demo) write: escaped for element text and quoted attributes. */
public final class Html {
    private Html() {
    }

    /** {@code text} escaped for HTML text and double- or single-quoted attribute values. */
    public static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
