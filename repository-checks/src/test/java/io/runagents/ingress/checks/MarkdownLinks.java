package io.runagents.ingress.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The link targets of a Markdown file: inline links and images ({@code [text](target "title")}), reference
 * definitions ({@code [name]: target}) and HTML {@code href}/{@code src} attributes. Text in fenced code blocks
 * and in code spans is not a link, so examples of links inside code are not reported.
 */
final class MarkdownLinks {
    /** A link target and the 1-based line it is on. */
    record Link(int line, String target) {
    }

    private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(```|~~~)");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");
    private static final Pattern INLINE = Pattern.compile("\\]\\(\\s*(<[^>]*>|[^)\\s]+)");
    private static final Pattern DEFINITION = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*(<[^>]*>|\\S+)");
    private static final Pattern HTML = Pattern.compile("\\b(?:href|src)\\s*=\\s*[\"']([^\"']*)[\"']");

    private MarkdownLinks() {
    }

    /** Every link target in {@code lines}, in order. */
    static List<Link> in(List<String> lines) {
        List<Link> links = new ArrayList<>();
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            Matcher fenceMatch = FENCE.matcher(lines.get(i));
            if (fenceMatch.find()) {
                String marker = fenceMatch.group(1);
                fence = fence == null ? marker : fence.equals(marker) ? null : fence;
                continue;
            }
            if (fence != null) {
                continue;
            }
            String text = CODE_SPAN.matcher(lines.get(i)).replaceAll("code");
            for (Pattern pattern : List.of(INLINE, DEFINITION, HTML)) {
                Matcher m = pattern.matcher(text);
                while (m.find()) {
                    links.add(new Link(i + 1, unbracket(m.group(1))));
                }
            }
        }
        return links;
    }

    private static String unbracket(String target) {
        return target.startsWith("<") && target.endsWith(">") ? target.substring(1, target.length() - 1) : target;
    }
}
