package org.pgjava.auth;

import java.text.Normalizer;

/**
 * SASLprep (RFC 4013, the stringprep profile for user names and passwords), as PostgreSQL's pg_saslprep
 * applies it to passwords before SCRAM hashing.
 *
 * <p>What pgjava does:
 * <ol>
 *   <li>Pure ASCII input is returned unchanged (PostgreSQL's fast path: it does not check ASCII control
 *       characters either).</li>
 *   <li>Otherwise: non-ASCII spaces (table C.1.2) map to U+0020, "commonly mapped to nothing" characters
 *       (B.1) are removed, the result is NFKC-normalised (java.text.Normalizer, a newer Unicode version
 *       than stringprep's 3.2), then prohibited characters (C.1.2, C.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9)
 *       and unassigned code points (approximated by {@link Character#isDefined} of the running JDK) make
 *       it fail, as does a violation of the bidirectional rule (RFC 3454 section 6).</li>
 *   <li>On failure the caller uses the raw password, as PostgreSQL does ({@link #prepareOrRaw}). Code points
 *       assigned after Unicode 3.2 may therefore be accepted here where PostgreSQL would fall back to the
 *       raw bytes; passwords made only of such characters can differ.</li>
 * </ol>
 */
public final class SaslPrep {
    private SaslPrep() {
    }

    /** SASLprep of {@code s}, or null when stringprep fails (prohibited or unassigned characters, bidi rule). */
    public static String prepare(String s) {
        boolean ascii = true;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) { ascii = false; break; }
        }
        if (ascii) return s;
        StringBuilder mapped = new StringBuilder();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (isNonAsciiSpace(cp)) mapped.append(' ');
            else if (!isMappedToNothing(cp)) mapped.appendCodePoint(cp);
        }
        String n = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        boolean hasRAL = false, hasL = false;
        int first = -1, last = -1;
        for (int i = 0; i < n.length(); ) {
            int cp = n.codePointAt(i);
            i += Character.charCount(cp);
            if (isProhibited(cp) || !Character.isDefined(cp)) return null;
            byte d = Character.getDirectionality(cp);
            boolean ral = d == Character.DIRECTIONALITY_RIGHT_TO_LEFT || d == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
            if (ral) hasRAL = true;
            if (d == Character.DIRECTIONALITY_LEFT_TO_RIGHT) hasL = true;
            if (first < 0) first = cp;
            last = cp;
        }
        if (hasRAL) {
            if (hasL) return null;
            if (!isRAL(first) || !isRAL(last)) return null;
        }
        return n;
    }

    /** {@link #prepare(String)}, or {@code s} itself when that fails (PostgreSQL's rule for passwords). */
    public static String prepareOrRaw(String s) {
        String p = prepare(s);
        return p == null ? s : p;
    }

    private static boolean isRAL(int cp) {
        byte d = Character.getDirectionality(cp);
        return d == Character.DIRECTIONALITY_RIGHT_TO_LEFT || d == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
    }

    /** RFC 3454 table C.1.2. */
    private static boolean isNonAsciiSpace(int cp) {
        return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    /** RFC 3454 table B.1. */
    private static boolean isMappedToNothing(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D)
                || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
    }

    /** RFC 3454 tables C.1.2, C.2.1, C.2.2, C.3 - C.9. */
    private static boolean isProhibited(int cp) {
        if (isNonAsciiSpace(cp)) return true;
        if (cp <= 0x1F || cp == 0x7F) return true;                                        // C.2.1
        if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x06DD || cp == 0x070F || cp == 0x180E || cp == 0x200C
                || cp == 0x200D || cp == 0x2028 || cp == 0x2029 || (cp >= 0x2060 && cp <= 0x2063)
                || (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFC)
                || (cp >= 0x1D173 && cp <= 0x1D17A)) return true;                           // C.2.2
        if ((cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && cp <= 0xFFFFD)
                || (cp >= 0x100000 && cp <= 0x10FFFD)) return true;                         // C.3
        if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) return true;        // C.4
        if (cp >= 0xD800 && cp <= 0xDFFF) return true;                                      // C.5
        if (cp >= 0xFFF9 && cp <= 0xFFFD) return true;                                      // C.6
        if (cp >= 0x2FF0 && cp <= 0x2FFB) return true;                                      // C.7
        if (cp == 0x0340 || cp == 0x0341 || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x206A && cp <= 0x206F)) return true;                             // C.8
        return cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F);                           // C.9
    }
}
