package org.pgjava.conf;

import java.nio.charset.Charset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * PostgreSQL's character encoding names (pg_enc2name) and the Java charsets pgjava converts with.
 * {@link #canonicalName(String)} accepts the spellings PostgreSQL accepts (pg_char_to_encoding: case and
 * non-alphanumeric characters are ignored, aliases such as UNICODE, ISO88591, WINDOWS1252 map to the
 * canonical name) and returns the canonical name SHOW client_encoding displays. Only encodings with a
 * Java charset are known; others are rejected like unknown names.
 */
public final class Encodings {
    private Encodings() {
    }

    /** Canonical PostgreSQL name → Java charset name. */
    private static final Map<String, String> CHARSETS = new LinkedHashMap<>();
    /** Cleaned alias (lower-case alphanumerics) → canonical name. */
    private static final Map<String, String> ALIASES = new HashMap<>();

    private static void add(String canonical, String javaName, String... aliases) {
        CHARSETS.put(canonical, javaName);
        ALIASES.put(clean(canonical), canonical);
        for (String a : aliases) ALIASES.put(clean(a), canonical);
    }

    static {
        add("SQL_ASCII", "US-ASCII");
        add("UTF8", "UTF-8", "unicode", "utf-8");
        add("LATIN1", "ISO-8859-1", "iso88591");
        add("LATIN2", "ISO-8859-2", "iso88592");
        add("LATIN3", "ISO-8859-3", "iso88593");
        add("LATIN4", "ISO-8859-4", "iso88594");
        add("LATIN5", "ISO-8859-9", "iso88599");
        add("LATIN7", "ISO-8859-13", "iso885913");
        add("LATIN9", "ISO-8859-15", "iso885915");
        add("ISO_8859_5", "ISO-8859-5");
        add("ISO_8859_6", "ISO-8859-6");
        add("ISO_8859_7", "ISO-8859-7");
        add("ISO_8859_8", "ISO-8859-8");
        add("WIN1250", "windows-1250", "windows1250");
        add("WIN1251", "windows-1251", "windows1251", "win");
        add("WIN1252", "windows-1252", "windows1252");
        add("WIN1253", "windows-1253", "windows1253");
        add("WIN1254", "windows-1254", "windows1254");
        add("WIN1255", "windows-1255", "windows1255");
        add("WIN1256", "windows-1256", "windows1256");
        add("WIN1257", "windows-1257", "windows1257");
        add("WIN1258", "windows-1258", "windows1258");
        add("WIN866", "IBM866", "windows866", "alt");
        add("WIN874", "x-windows-874", "windows874");
        add("KOI8R", "KOI8-R", "koi8");
        add("KOI8U", "KOI8-U");
        add("EUC_JP", "EUC-JP");
        add("EUC_KR", "EUC-KR");
        add("EUC_CN", "GB2312");
        add("SJIS", "Shift_JIS", "mskanji", "shiftjis", "win932", "windows932");
        add("BIG5", "Big5", "win950", "windows950");
        add("GBK", "GBK", "win936", "windows936");
        add("UHC", "x-windows-949", "win949", "windows949");
        add("GB18030", "GB18030");
    }

    private static String clean(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 128) b.append(Character.toLowerCase(c));
        }
        return b.toString();
    }

    /** PostgreSQL's canonical name for {@code name} ("unicode" → "UTF8"), or null when unknown. */
    public static String canonicalName(String name) {
        String c = ALIASES.get(clean(name));
        if (c == null || !Charset.isSupported(CHARSETS.get(c))) return null;
        return c;
    }

    /** The Java charset for a canonical PostgreSQL encoding name; IllegalArgumentException if unknown. */
    public static Charset charset(String canonicalName) {
        String j = CHARSETS.get(canonicalName.toUpperCase(Locale.ROOT));
        if (j == null) throw new IllegalArgumentException("unknown encoding " + canonicalName);
        return Charset.forName(j);
    }
}
