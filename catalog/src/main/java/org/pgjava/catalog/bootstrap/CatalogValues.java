package org.pgjava.catalog.bootstrap;

import java.util.ArrayList;
import java.util.List;
import org.pgjava.conf.errors.PgException;

/**
 * Converts catalog column values between PostgreSQL's COPY text format and the Java representations the
 * rest of pgjava uses for them (backend/utils/adt/TypeIO's conventions), for exactly the column types
 * that occur in the bootstrap catalogs.
 *
 * <p>Java representation by column type:
 * <ul>
 *   <li>bool: Boolean; int2: Short; int4: Integer; int8: Long; float4 (real): Float</li>
 *   <li>oid, regproc, xid: Long (the unsigned 32-bit value; regproc is the function's OID, 0 for "-")</li>
 *   <li>name, text, pg_node_tree: String; "char": String of length 0 (the zero byte) or 1</li>
 *   <li>oidvector and oid[]: Long[]; int2vector and int2[]: Short[]</li>
 *   <li>text[], name[], "char"[], aclitem[]: String[] (aclitem elements in aclitem's text form,
 *       e.g. {@code "postgres=arwdDxt/postgres"}); elements may be null only where PostgreSQL allows</li>
 *   <li>timestamptz: java.time.Instant — only NULL occurs in bootstrap data</li>
 *   <li>anyarray (pg_attribute.attmissingval): always NULL here</li>
 * </ul>
 * SQL NULL is Java null.
 *
 * <p>Entry points: {@link #parseCopyField(String, long)}, {@link #unescapeCopy(String)},
 * {@link #parseArrayLiteral(String)}.
 */
public final class CatalogValues {
    private CatalogValues() {
    }

    /** pg_type OIDs of the column types that occur in the bootstrap catalogs. */
    public static final long BOOL = 16, CHAR = 18, NAME = 19, INT8 = 20, INT2 = 21, INT2VECTOR = 22, INT4 = 23,
            REGPROC = 24, TEXT = 25, OID = 26, XID = 28, OIDVECTOR = 30, PG_NODE_TREE = 194, FLOAT4 = 700,
            INT2_ARRAY = 1005, CHAR_ARRAY = 1002, NAME_ARRAY = 1003, TEXT_ARRAY = 1009, OID_ARRAY = 1028,
            ACLITEM_ARRAY = 1034, TIMESTAMPTZ = 1184, ANYARRAY = 2277;

    /**
     * One field of a COPY text row converted to its Java representation.
     *
     * @param field   the raw field as COPY wrote it (still escaped); {@code \N} is NULL
     * @param typeOid the column's atttypid
     * @return the value, or null for NULL
     * @throws PgException 0A000 for a column type this class does not know, or a non-NULL value of a type
     *                     that bootstrap data only ever holds as NULL
     */
    public static Object parseCopyField(String field, long typeOid) {
        if (field.equals("\\N")) {
            return null;
        }
        String text = unescapeCopy(field);
        if (typeOid == BOOL) {
            return switch (text) {
                case "t" -> Boolean.TRUE;
                case "f" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("bad bool: " + text);
            };
        } else if (typeOid == CHAR || typeOid == NAME || typeOid == TEXT || typeOid == PG_NODE_TREE) {
            return text;
        } else if (typeOid == INT2) {
            return Short.parseShort(text);
        } else if (typeOid == INT4) {
            return Integer.parseInt(text);
        } else if (typeOid == INT8) {
            return Long.parseLong(text);
        } else if (typeOid == OID || typeOid == REGPROC || typeOid == XID) {
            return parseUnsigned32(text);
        } else if (typeOid == FLOAT4) {
            return Float.parseFloat(text);
        } else if (typeOid == OIDVECTOR) {
            return text.isEmpty() ? new Long[0]
                    : java.util.Arrays.stream(text.split(" ")).map(CatalogValues::parseUnsigned32).toArray(Long[]::new);
        } else if (typeOid == INT2VECTOR) {
            return text.isEmpty() ? new Short[0]
                    : java.util.Arrays.stream(text.split(" ")).map(Short::parseShort).toArray(Short[]::new);
        } else if (typeOid == OID_ARRAY) {
            return parseArrayLiteral(text).stream().map(CatalogValues::parseUnsigned32).toArray(Long[]::new);
        } else if (typeOid == INT2_ARRAY) {
            return parseArrayLiteral(text).stream().map(Short::parseShort).toArray(Short[]::new);
        } else if (typeOid == TEXT_ARRAY || typeOid == NAME_ARRAY || typeOid == CHAR_ARRAY
                || typeOid == ACLITEM_ARRAY) {
            return parseArrayLiteral(text).toArray(String[]::new);
        }
        throw PgException.notSupported("bootstrap value of type " + typeOid);
    }

    private static Long parseUnsigned32(String text) {
        long v = Long.parseLong(text);
        if (v < 0 || v > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("not an unsigned 32-bit value: " + text);
        }
        return v;
    }

    /**
     * Undoes COPY text escaping: {@code \\ \t \n \r \b \f \v}, octal {@code \ooo} and {@code \xhh}.
     *
     * @param field the field without its tab separators
     * @return the plain text
     */
    public static String unescapeCopy(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c != '\\' || i + 1 == field.length()) {
                out.append(c);
                continue;
            }
            char e = field.charAt(++i);
            switch (e) {
                case 't' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'v' -> out.append('\u000b');
                case 'x' -> {
                    int end = i + 1;
                    while (end < field.length() && end < i + 3 && Character.digit(field.charAt(end), 16) >= 0) {
                        end++;
                    }
                    out.append((char) Integer.parseInt(field.substring(i + 1, end), 16));
                    i = end - 1;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int end = i;
                        while (end < field.length() && end < i + 3 && field.charAt(end) >= '0' && field.charAt(end) <= '7') {
                            end++;
                        }
                        out.append((char) Integer.parseInt(field.substring(i, end), 8));
                        i = end - 1;
                    } else {
                        out.append(e);
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * Splits a one-dimensional array literal ({@code {a,"b c",NULL}}) into its elements; an unquoted
     * NULL is Java null; quoted elements lose their quotes and backslash escapes.
     *
     * @throws IllegalArgumentException when the text is not a one-dimensional array literal
     */
    public static List<String> parseArrayLiteral(String text) {
        if (text.length() < 2 || text.charAt(0) != '{' || text.charAt(text.length() - 1) != '}') {
            throw new IllegalArgumentException("not an array literal: " + text);
        }
        List<String> elements = new ArrayList<>();
        if (text.length() == 2) {
            return elements;
        }
        int i = 1;
        int end = text.length() - 1;
        while (i <= end) {
            StringBuilder element = new StringBuilder();
            boolean quoted = false;
            if (text.charAt(i) == '"') {
                quoted = true;
                i++;
                while (text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\') {
                        i++;
                    }
                    element.append(text.charAt(i++));
                }
                i++;
            } else {
                while (i < end && text.charAt(i) != ',') {
                    if (text.charAt(i) == '{') {
                        throw new IllegalArgumentException("multi-dimensional arrays are not bootstrap data: " + text);
                    }
                    element.append(text.charAt(i++));
                }
            }
            String value = element.toString();
            elements.add(!quoted && value.equals("NULL") ? null : value);
            if (i < end && text.charAt(i) != ',') {
                throw new IllegalArgumentException("bad array literal: " + text);
            }
            i++;
        }
        return elements;
    }

    /**
     * A role name as it appears inside an aclitem's text form: double-quoted (with inner quotes doubled)
     * when it holds anything but ASCII letters, digits and underscores, as PostgreSQL's putid() in acl.c.
     */
    public static String aclRoleName(String roleName) {
        for (int i = 0; i < roleName.length(); i++) {
            char c = roleName.charAt(i);
            boolean asciiAlnum = c < 128 && Character.isLetterOrDigit(c);
            if (!asciiAlnum && c != '_') {
                return "\"" + roleName.replace("\"", "\"\"") + "\"";
            }
        }
        return roleName;
    }

    /**
     * Whether {@code value} is the Java representation this class documents for a column of type
     * {@code typeOid} (null is accepted; NOT NULL is the row builder's business).
     */
    public static boolean isRepresentation(long typeOid, Object value) {
        if (value == null) {
            return true;
        }
        if (typeOid == BOOL) {
            return value instanceof Boolean;
        } else if (typeOid == CHAR) {
            return value instanceof String s && s.length() <= 1;
        } else if (typeOid == NAME || typeOid == TEXT || typeOid == PG_NODE_TREE) {
            return value instanceof String;
        } else if (typeOid == INT2) {
            return value instanceof Short;
        } else if (typeOid == INT4) {
            return value instanceof Integer;
        } else if (typeOid == INT8) {
            return value instanceof Long;
        } else if (typeOid == OID || typeOid == REGPROC || typeOid == XID) {
            return value instanceof Long l && l >= 0 && l <= 0xFFFFFFFFL;
        } else if (typeOid == FLOAT4) {
            return value instanceof Float;
        } else if (typeOid == OIDVECTOR || typeOid == OID_ARRAY) {
            return value instanceof Long[];
        } else if (typeOid == INT2VECTOR || typeOid == INT2_ARRAY) {
            return value instanceof Short[];
        } else if (typeOid == TEXT_ARRAY || typeOid == NAME_ARRAY || typeOid == CHAR_ARRAY || typeOid == ACLITEM_ARRAY) {
            return value instanceof String[];
        } else if (typeOid == TIMESTAMPTZ) {
            return value instanceof java.time.Instant;
        }
        return false;
    }
}
