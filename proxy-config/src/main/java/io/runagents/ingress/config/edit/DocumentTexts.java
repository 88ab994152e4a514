package io.runagents.ingress.config.edit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A YAML file's text cut at its document markers, so that an edit can replace or remove one document and
 * leave every other byte as it was, comments included.
 *
 * <p>Cutting by lines is exact here: YAML forbids a line starting with {@code ---} followed by a space or
 * the line's end anywhere but as a document marker (it cannot continue a quoted or block scalar). A marker
 * line that also carries content ({@code --- name: a}) is not cut: {@link #split} returns empty and the
 * caller falls back to re-rendering the file.
 */
final class DocumentTexts {
    /**
     * One document: the marker line that opens it ({@code ""} for the first document when it has none) and
     * the text up to the next marker, comments and blank lines included.
     */
    record Part(String marker, String body) {
        Part withBody(String newBody) {
            return new Part(marker, newBody);
        }

        String text() {
            return marker + body;
        }
    }

    private DocumentTexts() {
    }

    /** The parts of {@code text}, in order; empty when a marker line carries content. */
    static Optional<List<Part>> split(String text) {
        List<Part> parts = new ArrayList<>();
        String marker = "";
        StringBuilder body = new StringBuilder();
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            end = end < 0 ? text.length() : end + 1;
            String line = text.substring(start, end);
            if (isMarker(line)) {
                if (!onlyCommentAfterMarker(line)) {
                    return Optional.empty();
                }
                if (!marker.isEmpty() || body.length() > 0) {
                    parts.add(new Part(marker, body.toString()));
                }
                marker = line;
                body.setLength(0);
            } else {
                body.append(line);
            }
            start = end;
        }
        if (!marker.isEmpty() || body.length() > 0) {
            parts.add(new Part(marker, body.toString()));
        }
        return Optional.of(parts);
    }

    /** The parts written back as one text (a part whose body lacks a final newline gets one). */
    static String join(List<Part> parts) {
        StringBuilder text = new StringBuilder();
        for (Part part : parts) {
            if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
                text.append('\n');
            }
            text.append(part.text());
        }
        return text.toString();
    }

    /**
     * {@code parts} without the one at {@code index}. When that was the first and had no marker, the next
     * one loses its marker instead, so the file does not start with a marker it did not start with.
     */
    static List<Part> without(List<Part> parts, int index) {
        List<Part> rest = new ArrayList<>(parts);
        Part removed = rest.remove(index);
        if (index == 0 && removed.marker().isEmpty() && !rest.isEmpty()) {
            rest.set(0, new Part("", rest.get(0).body()));
        }
        return rest;
    }

    private static boolean isMarker(String line) {
        return line.startsWith("---")
                && (line.length() == 3 || line.charAt(3) == ' ' || line.charAt(3) == '\t' || line.charAt(3) == '\n'
                || line.charAt(3) == '\r');
    }

    private static boolean onlyCommentAfterMarker(String line) {
        String rest = line.substring(3).strip();
        return rest.isEmpty() || rest.startsWith("#");
    }
}
