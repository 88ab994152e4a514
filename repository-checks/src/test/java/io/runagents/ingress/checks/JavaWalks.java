package io.runagents.ingress.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test code that climbs out of the checkout: a loop over parent folders (which ends wherever the search finds
 * its target, beside the checkout or anywhere above it), or a path built from the working directory (the
 * module's folder, where Surefire runs) with more steps up than the module sits below the root.
 *
 * <p>It reads line by line, so a climb spread over several lines is not seen; the loop rule catches the usual
 * way of searching upwards. Upward steps are counted as {@code getParent()} calls plus {@code ..} segments in
 * the string literals of a line that starts from the working directory.
 */
final class JavaWalks {
    // Built by concatenation so that this file does not report itself.
    private static final String GET_PARENT = "get" + "Parent()";
    private static final Pattern PARENT_LOOP =
            Pattern.compile("\\b(?:for|while)\\s*\\(.*" + Pattern.quote(GET_PARENT));
    private static final Pattern WORKING_DIR = Pattern.compile(
            "(?:Path\\.of|Paths\\.get|new File)\\(\\s*\"(?:\\.{1,2}(?:[/\\\\][^\"]*)?)?\"|\"user\\.dir\"");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    private JavaWalks() {
    }

    /**
     * The findings in one test source file.
     *
     * @param file   the file's path relative to the root, for the findings
     * @param depth  how many folders the file's module sits below the root (0 for a module at the root)
     */
    static List<Finding> in(String file, List<String> lines, int depth) {
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (PARENT_LOOP.matcher(line).find()) {
                findings.add(new Finding(file, i + 1, "walks up parent folders in a loop, which can leave the "
                        + "checkout (read test data from the classpath): " + line.strip()));
            } else if (WORKING_DIR.matcher(line).find()) {
                int up = occurrences(line, GET_PARENT) + dotDotSegments(line);
                if (up > depth) {
                    findings.add(new Finding(file, i + 1, "goes " + up + " folders up from the module's folder, "
                            + "which is " + depth + " below the repository root: " + line.strip()));
                }
            }
        }
        return findings;
    }

    private static int occurrences(String line, String word) {
        int count = 0;
        for (int at = line.indexOf(word); at >= 0; at = line.indexOf(word, at + word.length())) {
            count++;
        }
        return count;
    }

    private static int dotDotSegments(String line) {
        int count = 0;
        Matcher literal = LITERAL.matcher(line);
        while (literal.find()) {
            for (String segment : literal.group(1).split("[/\\\\]+")) {
                if (segment.equals("..")) {
                    count++;
                }
            }
        }
        return count;
    }
}
