package org.pgjava.backend.optimizer.analyze;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/** LIKE / ILIKE pattern matching (like_match.c): % any string, _ any character, escape character. */
public final class Like {
    private Like() {
    }

    /**
     * Matches {@code s} against {@code pattern}; {@code escape} is the escape character or 0 for none.
     * @throws PgException 22025 if the pattern ends with the escape character
     */
    public static boolean match(String s, String pattern, char escape, boolean caseInsensitive) {
        if (caseInsensitive) {
            s = Functions.asciiLower(s);
            pattern = Functions.asciiLower(pattern);
        }
        return match(s, 0, pattern, 0, escape);
    }

    private static boolean match(String s, int si, String p, int pi, char esc) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (esc != 0 && c == esc) {
                pi++;
                if (pi >= p.length()) {
                    throw PgException.error(SqlState.INVALID_ESCAPE_SEQUENCE, "LIKE pattern must not end with escape character");
                }
                if (si >= s.length() || s.charAt(si) != p.charAt(pi)) {
                    return false;
                }
                si++;
                pi++;
            } else if (c == '%') {
                while (pi < p.length() && p.charAt(pi) == '%') {
                    pi++;
                }
                if (pi == p.length()) {
                    return true;
                }
                for (int k = si; k <= s.length(); k++) {
                    if (match(s, k, p, pi, esc)) {
                        return true;
                    }
                }
                return false;
            } else if (c == '_') {
                if (si >= s.length()) {
                    return false;
                }
                si += Character.charCount(s.codePointAt(si));
                pi++;
            } else {
                if (si >= s.length() || s.charAt(si) != c) {
                    return false;
                }
                si++;
                pi++;
            }
        }
        return si == s.length();
    }
}
