package org.pgjava.tests.golden;

import java.util.ArrayList;
import java.util.List;

/**
 * A line-based unified diff of an expected and an actual text, for the failure messages of the golden
 * tests: hunks with a few lines of context, "-" for expected lines missing from the actual output and
 * "+" for actual lines that were not expected, cut off after a bounded number of output lines.
 *
 * <p>Entry point: {@link #unified(String, String, String, String, int, int)}. The diff is a longest common
 * subsequence over whole lines (quadratic in the line counts, fine for files of a few thousand lines).
 */
public final class LineDiff {

    private LineDiff() {
    }

    /**
     * Returns a unified-style diff of {@code expected} against {@code actual}, or "" when they are equal
     * line for line (a missing final newline counts as a difference and is shown as such).
     *
     * @param expectedName label for the "---" header
     * @param actualName   label for the "+++" header
     * @param context      lines of unchanged context around each change (&gt;= 0)
     * @param maxLines     the diff body is cut after this many lines, with a note saying how much was left
     */
    public static String unified(String expected, String actual, String expectedName, String actualName,
                                 int context, int maxLines) {
        List<String> a = lines(expected);
        List<String> b = lines(actual);
        if (a.equals(b)) {
            return "";
        }
        List<Op> ops = align(a, b);
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(expectedName).append('\n');
        out.append("+++ ").append(actualName).append('\n');
        int written = 0;
        int i = 0;
        while (i < ops.size()) {
            if (ops.get(i).kind == ' ') {
                i++;
                continue;
            }
            // a hunk: from `context` lines before the change to `context` lines after the last change
            // that is at most 2*context unchanged lines away from the previous one
            int start = Math.max(0, i - context);
            int end = i;
            int lastChange = i;
            while (end < ops.size()) {
                if (ops.get(end).kind != ' ') {
                    lastChange = end;
                } else if (end - lastChange > 2 * context) {
                    break;
                }
                end++;
            }
            end = Math.min(ops.size(), lastChange + context + 1);
            Op first = ops.get(start);
            int aCount = 0;
            int bCount = 0;
            for (int k = start; k < end; k++) {
                char kind = ops.get(k).kind;
                if (kind != '+') {
                    aCount++;
                }
                if (kind != '-') {
                    bCount++;
                }
            }
            out.append("@@ -").append(first.aLine + 1).append(',').append(aCount)
               .append(" +").append(first.bLine + 1).append(',').append(bCount).append(" @@\n");
            for (int k = start; k < end; k++) {
                if (written >= maxLines) {
                    out.append("... (diff cut after ").append(maxLines).append(" lines)\n");
                    return out.toString();
                }
                Op op = ops.get(k);
                out.append(op.kind).append(op.text).append('\n');
                written++;
            }
            i = end;
        }
        return out.toString();
    }

    /** Splits into lines; a text not ending in '\n' gets a visible marker on its last line. */
    static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        int from = 0;
        while (from < s.length()) {
            int nl = s.indexOf('\n', from);
            if (nl < 0) {
                out.add(s.substring(from) + "\\ (no newline at end)");
                break;
            }
            out.add(s.substring(from, nl));
            from = nl + 1;
        }
        return out;
    }

    /** One line of the alignment: ' ' common, '-' only in a, '+' only in b; line numbers are 0-based. */
    private record Op(char kind, String text, int aLine, int bLine) {
    }

    private static List<Op> align(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int x = n - 1; x >= 0; x--) {
            for (int y = m - 1; y >= 0; y--) {
                lcs[x][y] = a.get(x).equals(b.get(y)) ? lcs[x + 1][y + 1] + 1 : Math.max(lcs[x + 1][y], lcs[x][y + 1]);
            }
        }
        List<Op> ops = new ArrayList<>();
        int x = 0;
        int y = 0;
        while (x < n || y < m) {
            if (x < n && y < m && a.get(x).equals(b.get(y))) {
                ops.add(new Op(' ', a.get(x), x, y));
                x++;
                y++;
            } else if (y < m && (x == n || lcs[x][y + 1] > lcs[x + 1][y])) {
                ops.add(new Op('+', b.get(y), x, y));
                y++;
            } else {
                ops.add(new Op('-', a.get(x), x, y));
                x++;
            }
        }
        return ops;
    }
}
