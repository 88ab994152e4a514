package io.runagents.ingress.checks;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds where a checkout refers to something outside itself, which a user's fresh clone does not have:
 * <ul>
 *   <li>any text file: a mention of the folder of design notes and test data that sat beside the repository
 *       while it was being written ({@link #MARKERS});</li>
 *   <li>Markdown: a link whose target leaves the root, is an absolute or {@code file:} path, or names a file the
 *       repository does not hold ({@link MarkdownLinks});</li>
 *   <li>Java test code: a climb out of the checkout ({@link JavaWalks});</li>
 *   <li>a symbolic link whose target is outside the root.</li>
 * </ul>
 * Binary files (a NUL byte in the first 8000, as git decides) are skipped.
 */
final class OutsideReferences {
    /** Built by concatenation so that this file does not report itself. */
    static final List<String> MARKERS = List.of(
            ".." + "/shared", "shared" + "/testdata", "shared" + "/SPEC", "shared" + "/ARCHITECTURE");

    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Set<String> WEB_SCHEMES = Set.of("http", "https", "mailto");
    private static final String TEST_SOURCES = "src/test/java/";

    private final Path root;
    private final List<String> files;
    private final Set<String> paths = new HashSet<>();

    /**
     * @param root  the repository root
     * @param files its files, relative to {@code root} with {@code /} separators ({@link RepositoryFiles#list})
     */
    OutsideReferences(Path root, Collection<String> files) {
        this.root = root;
        this.files = List.copyOf(files);
        for (String file : this.files) {
            // A link may name a folder: every folder that holds a listed file exists in a clone.
            for (String p = file; !p.isEmpty(); p = p.contains("/") ? p.substring(0, p.lastIndexOf('/')) : "") {
                paths.add(p);
            }
        }
    }

    /** The findings in every file, in file then line order. */
    List<Finding> scanAll() throws IOException {
        List<Finding> findings = new ArrayList<>();
        for (String file : files) {
            findings.addAll(scan(file));
        }
        return findings;
    }

    /** The findings in one listed file. */
    List<Finding> scan(String file) throws IOException {
        Path path = root.resolve(file);
        if (Files.isSymbolicLink(path)) {
            return symbolicLink(file, path);
        }
        byte[] bytes = Files.readAllBytes(path);
        if (binary(bytes)) {
            return List.of();
        }
        List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            List<String> found = MARKERS.stream().filter(line::contains).toList();
            if (!found.isEmpty()) {
                findings.add(new Finding(file, i + 1, "refers to " + String.join(", ", found)
                        + ", which the repository does not hold: " + line.strip()));
            }
        }
        if (file.toLowerCase(Locale.ROOT).endsWith(".md")) {
            for (MarkdownLinks.Link link : MarkdownLinks.in(lines)) {
                String problem = linkProblem(file, link.target());
                if (problem != null) {
                    findings.add(new Finding(file, link.line(), "link " + link.target() + " " + problem));
                }
            }
        }
        int tests = file.indexOf(TEST_SOURCES);
        if (file.endsWith(".java") && (tests == 0 || tests > 0 && file.charAt(tests - 1) == '/')) {
            findings.addAll(JavaWalks.in(file, lines, depth(file.substring(0, tests))));
        }
        findings.sort(Comparator.comparingInt(Finding::line));
        return findings;
    }

    /** Why a Markdown link in {@code file} points outside the repository, or null when it does not. */
    private String linkProblem(String file, String target) {
        String plain = target.replaceFirst("[#?].*", "");
        if (plain.isEmpty()) {
            return null; // an anchor in the same file
        }
        if (SCHEME.matcher(plain).find()) {
            String scheme = plain.substring(0, plain.indexOf(':')).toLowerCase(Locale.ROOT);
            return WEB_SCHEMES.contains(scheme) ? null : "points outside the repository (" + scheme + ":)";
        }
        if (plain.startsWith("/") || plain.startsWith("\\") || plain.startsWith("~")) {
            return "is an absolute path: write it relative to " + file;
        }
        Path folder = Path.of(file).getParent();
        Path resolved = (folder == null ? Path.of("") : folder)
                .resolve(URLDecoder.decode(plain.replace("+", "%2B"), StandardCharsets.UTF_8)).normalize();
        String relative = resolved.toString().replace('\\', '/');
        if (relative.equals("..") || relative.startsWith("../")) {
            return "leaves the repository";
        }
        if (!relative.isEmpty() && !paths.contains(relative.replaceFirst("/$", ""))) {
            return "names " + relative + ", which is not in the repository";
        }
        return null;
    }

    private List<Finding> symbolicLink(String file, Path path) throws IOException {
        Path target = path.getParent().resolve(Files.readSymbolicLink(path)).normalize();
        return target.startsWith(root.normalize()) ? List.of()
                : List.of(new Finding(file, 1, "is a symbolic link to " + target + ", outside the repository"));
    }

    /** How many folders {@code module} (a path relative to the root, maybe empty or ending in /) is below it. */
    private static int depth(String module) {
        return (int) module.chars().filter(c -> c == '/').count();
    }

    private static boolean binary(byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, 8000); i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }
}
