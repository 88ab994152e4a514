package io.runagents.ingress.config.edit;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff (the {@code diff -u} format, 3 lines of context) of two small texts, for {@code apply
 * --dry-run}. Longest-common-subsequence over lines: quadratic, which is fine for conf files of a few hundred
 * lines and keeps the code obvious.
 */
public final class LineDiff {
    private static final int CONTEXT = 3;

    private LineDiff() { }

    /** Empty when the texts are equal. */
    public static String unified(String fromLabel, String toLabel, String before, String after) {
        List<String> a = lines(before);
        List<String> b = lines(after);
        List<int[]> script = editScript(a, b);   // each entry: {op char, index into a (' ', '-') or b ('+')}
        if (script.stream().allMatch(e -> e[0] == ' ')) {
            return "";
        }
        StringBuilder out = new StringBuilder("--- ").append(fromLabel).append('\n')
                .append("+++ ").append(toLabel).append('\n');
        int i = 0;
        while (i < script.size()) {
            if (script.get(i)[0] == ' ') {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i;
            // Extend the hunk while changes are closer than twice the context to each other.
            int lastChange = i;
            while (end < script.size() && end - lastChange <= 2 * CONTEXT) {
                if (script.get(end)[0] != ' ') {
                    lastChange = end;
                }
                end++;
            }
            end = Math.min(script.size(), lastChange + CONTEXT + 1);
            appendHunk(out, script, start, end, a, b);
            i = end;
        }
        return out.toString();
    }

    private static void appendHunk(StringBuilder out, List<int[]> script, int start, int end,
                                   List<String> a, List<String> b) {
        int aStart = 0;
        int bStart = 0;
        for (int k = 0; k < start; k++) {
            char op = (char) script.get(k)[0];
            aStart += op != '+' ? 1 : 0;
            bStart += op != '-' ? 1 : 0;
        }
        int aLen = 0;
        int bLen = 0;
        StringBuilder body = new StringBuilder();
        for (int k = start; k < end; k++) {
            char op = (char) script.get(k)[0];
            int index = script.get(k)[1];
            body.append(op).append(op == '+' ? b.get(index) : a.get(index)).append('\n');
            aLen += op != '+' ? 1 : 0;
            bLen += op != '-' ? 1 : 0;
        }
        out.append("@@ -").append(range(aStart, aLen)).append(" +").append(range(bStart, bLen)).append(" @@\n")
                .append(body);
    }

    private static String range(int start, int length) {
        return (length == 0 ? start : start + 1) + "," + length;
    }

    private static List<int[]> editScript(List<String> a, List<String> b) {
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<int[]> script = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                script.add(new int[] {' ', i});
                i++;
                j++;
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                // Removals first, as diff -u prints them.
                script.add(new int[] {'-', i++});
            } else {
                script.add(new int[] {'+', j++});
            }
        }
        return script;
    }

    private static List<String> lines(String text) {
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return text.isEmpty() ? List.of() : List.of(body.split("\n", -1));
    }
}
