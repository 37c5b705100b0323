package org.pgjava.backend.nodes;

import java.util.List;

/**
 * SET / RESET / SET ... TO DEFAULT, and the special forms PostgreSQL rewrites into them:
 * {@code SET TIME ZONE x} (name "timezone"), {@code SET NAMES x} (name "client_encoding"),
 * {@code SET SCHEMA 'x'} (name "search_path"), {@code SET [SESSION CHARACTERISTICS AS] TRANSACTION ...}
 * (names "transaction_isolation", "transaction_read_only", "transaction_deferrable", or their
 * "default_*" forms for SESSION CHARACTERISTICS; one statement per option, grouped in {@code args} order).
 *
 * @param kind     what to do
 * @param name     the setting name, lower-cased unless it was quoted; null for RESET ALL
 * @param args     the value list as PostgreSQL flattens it (identifiers and strings unquoted, numbers as
 *                 written); empty for DEFAULT/RESET
 * @param isLocal  SET LOCAL
 * @param location offset of the SET/RESET keyword
 */
public record VariableSetStmt(Kind kind, String name, List<String> args, boolean isLocal, int location)
        implements UtilityStatement {
    public enum Kind { SET_VALUE, SET_DEFAULT, SET_CURRENT, RESET, RESET_ALL }

    @Override
    public String commandTag() {
        return kind == Kind.RESET || kind == Kind.RESET_ALL ? "RESET" : "SET";
    }
}
