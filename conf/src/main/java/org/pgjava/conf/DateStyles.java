package org.pgjava.conf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.pgjava.conf.errors.PgException;

/**
 * PostgreSQL's check_datestyle: a comma-separated list of an output style (ISO, SQL, Postgres, German)
 * and a field order (YMD, DMY/Euro/European, MDY/US/NonEuro/NonEuropean, or DEFAULT); what is not given
 * keeps its current value, except that German alone implies DMY. The result is canonical: "ISO, MDY".
 */
final class DateStyles {
    private DateStyles() {
    }

    /**
     * Parses {@code value} against the current canonical value.
     *
     * @param invalid builds the error for a given DETAIL text
     * @return the canonical "Style, ORDER" string
     */
    static String check(String value, String current, String boot, Function<String, PgException> invalid) {
        String[] cur = current.split(", ");
        String style = cur[0];
        String order = cur.length > 1 ? cur[1] : "MDY";
        boolean haveStyle = false, haveOrder = false, ok = true;
        List<String> tokens = split(value);
        if (tokens == null) throw invalid.apply("List syntax is invalid.");
        for (String tok : tokens) {
            String t = tok.toLowerCase(Locale.ROOT);
            String newStyle = null, newOrder = null;
            switch (t) {
                case "iso" -> newStyle = "ISO";
                case "sql" -> newStyle = "SQL";
                case "postgres" -> newStyle = "Postgres";
                case "german" -> newStyle = "German";
                case "ymd" -> newOrder = "YMD";
                case "dmy" -> newOrder = "DMY";
                case "mdy", "us" -> newOrder = "MDY";
                case "default" -> {
                    String d = check(boot, current, boot, invalid);
                    String[] p = d.split(", ");
                    if (!haveStyle) style = p[0];
                    if (!haveOrder) order = p[1];
                    continue;
                }
                default -> {
                    if (t.startsWith("euro")) newOrder = "DMY";
                    else if (t.startsWith("noneuro")) newOrder = "MDY";
                    else throw invalid.apply("Unrecognized key word: \"" + tok + "\".");
                }
            }
            if (newStyle != null) {
                if (haveStyle && !newStyle.equals(style)) ok = false;
                style = newStyle;
                haveStyle = true;
                if (newStyle.equals("German") && !haveOrder) order = "DMY";
            } else {
                if (haveOrder && !newOrder.equals(order)) ok = false;
                order = newOrder;
                haveOrder = true;
            }
        }
        if (!ok) throw invalid.apply("Conflicting \"datestyle\" specifications.");
        return style + ", " + order;
    }

    /** SplitIdentifierString with ',' : trimmed items, "quoted" items kept verbatim; null on bad syntax. */
    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int i = 0, n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) i++;
        if (i == n) return out;
        while (true) {
            StringBuilder item = new StringBuilder();
            if (i < n && s.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) return null;
                    if (s.charAt(i) == '"') {
                        if (i + 1 < n && s.charAt(i + 1) == '"') { item.append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    item.append(s.charAt(i++));
                }
            } else {
                while (i < n && s.charAt(i) != ',' && !Character.isWhitespace(s.charAt(i))) item.append(s.charAt(i++));
                if (item.isEmpty()) return null;
            }
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            out.add(item.toString());
            if (i == n) return out;
            if (s.charAt(i) != ',') return null;
            i++;
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
        }
    }
}
