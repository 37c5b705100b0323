package org.pgjava.backend.parser;

import java.util.Set;

/**
 * PostgreSQL 15's keyword categories (kwlist.h) that the grammar needs to tell identifiers from keywords:
 * reserved keywords can be neither column nor function names; type/function-name keywords can be
 * function names but not column names; column-name keywords the reverse. Keywords that may not be a bare
 * column label (they need AS) are listed too. Unreserved keywords are ordinary identifiers.
 */
final class Keywords {
    private Keywords() {
    }

    static final Set<String> RESERVED = Set.of(
            "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast",
            "check", "collate", "column", "constraint", "create", "current_catalog", "current_date",
            "current_role", "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc",
            "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant",
            "group", "having", "in", "initially", "intersect", "into", "lateral", "leading", "limit", "localtime",
            "localtimestamp", "not", "null", "offset", "on", "only", "or", "order", "placing", "primary",
            "references", "returning", "select", "session_user", "some", "symmetric", "table", "then", "to",
            "trailing", "true", "union", "unique", "user", "using", "variadic", "when", "where", "window", "with");

    static final Set<String> TYPE_FUNC_NAME = Set.of(
            "authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze", "full",
            "ilike", "inner", "is", "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps",
            "right", "similar", "tablesample", "verbose");

    static final Set<String> COL_NAME = Set.of(
            "between", "bigint", "bit", "boolean", "char", "character", "coalesce", "dec", "decimal", "exists",
            "extract", "float", "greatest", "grouping", "inout", "int", "integer", "interval", "least", "national",
            "nchar", "none", "normalize", "nullif", "numeric", "out", "overlay", "position", "precision", "real",
            "row", "setof", "smallint", "substring", "time", "timestamp", "treat", "trim", "values", "varchar",
            "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse",
            "xmlpi", "xmlroot", "xmlserialize", "xmltable");

    /** Keywords that cannot be used as a column label without AS (PostgreSQL's AS_LABEL). */
    static final Set<String> AS_LABEL_ONLY = Set.of(
            "array", "char", "character", "day", "filter", "hour", "minute", "month", "over", "precision", "second",
            "to", "varying", "with", "within", "without", "year", "as", "from");

    /** Statement-leading keywords PostgreSQL knows but pgjava has not built (answered with 0A000). */
    static final Set<String> UNSUPPORTED_STATEMENTS = Set.of(
            "alter", "analyze", "analyse", "call", "checkpoint", "close", "cluster", "comment", "copy", "create",
            "deallocate", "declare", "delete", "do", "drop", "execute", "explain", "fetch", "grant", "import",
            "insert", "listen", "load", "lock", "merge", "move", "notify", "reassign", "refresh", "reindex",
            "revoke", "security", "truncate", "unlisten", "update", "vacuum");

    /** True if the word may be a column name (ColId): not reserved and not a type/function-name keyword. */
    static boolean isColId(Token t) {
        return t.kind() == Token.Kind.IDENT && (t.quoted() || (!RESERVED.contains(t.text())
                && !TYPE_FUNC_NAME.contains(t.text())));
    }

    /** True if the word may be a function name (type_function_name): not reserved, not a column-name keyword. */
    static boolean isTypeFunctionName(Token t) {
        return t.kind() == Token.Kind.IDENT && (t.quoted() || (!RESERVED.contains(t.text())
                && !COL_NAME.contains(t.text())));
    }

    /** True if the word may follow an expression as a bare column label. */
    static boolean isBareLabel(Token t) {
        return t.kind() == Token.Kind.IDENT && (t.quoted() || !AS_LABEL_ONLY.contains(t.text()));
    }
}
