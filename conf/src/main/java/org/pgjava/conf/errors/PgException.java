package org.pgjava.conf.errors;

/**
 * A PostgreSQL-style error or notice: everything an ErrorResponse carries (severity, SQLSTATE, message,
 * detail, hint, position, where, and the schema/table/column/datatype/constraint fields). Thrown by every
 * layer; the protocol layer turns it into an ErrorResponse, the postmaster into a startup-phase error.
 *
 * <p>Use {@link #error(SqlState, String)} and the {@code with*} methods:
 * <pre>throw PgException.error(SqlState.DIVISION_BY_ZERO, "division by zero");</pre>
 * Message texts are PostgreSQL 15's, lowercase first letter, no trailing period.
 */
public class PgException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private Severity severity;
    private final SqlState sqlState;
    private String detail;
    private String hint;
    private int position;          // 1-based character position in the query text, 0 = none
    private int internalPosition;  // 1-based position in internalQuery, 0 = none
    private String internalQuery;
    private String where;
    private String schemaName;
    private String tableName;
    private String columnName;
    private String dataTypeName;
    private String constraintName;

    public PgException(Severity severity, SqlState sqlState, String message) {
        super(message, null, false, false);
        this.severity = severity;
        this.sqlState = sqlState;
    }

    public PgException(Severity severity, SqlState sqlState, String message, Throwable cause) {
        super(message, cause, false, false);
        this.severity = severity;
        this.sqlState = sqlState;
    }

    /** An ERROR with the given condition and message. */
    public static PgException error(SqlState state, String message) {
        return new PgException(Severity.ERROR, state, message);
    }

    /** A FATAL error (ends the session) with the given condition and message. */
    public static PgException fatal(SqlState state, String message) {
        return new PgException(Severity.FATAL, state, message);
    }

    /** 0A000 feature_not_supported: the answer for anything pgjava has not built yet. */
    public static PgException notSupported(String message) {
        return new PgException(Severity.ERROR, SqlState.FEATURE_NOT_SUPPORTED, message);
    }

    public PgException withSeverity(Severity s) { this.severity = s; return this; }
    public PgException withDetail(String d) { this.detail = d; return this; }
    public PgException withHint(String h) { this.hint = h; return this; }
    /** Sets the 1-based character position of the error in the client's query text (0 = none). */
    public PgException withPosition(int p) { this.position = p; return this; }
    public PgException withInternalQuery(String q, int pos) { this.internalQuery = q; this.internalPosition = pos; return this; }
    public PgException withWhere(String w) { this.where = w; return this; }
    public PgException withSchema(String s) { this.schemaName = s; return this; }
    public PgException withTable(String t) { this.tableName = t; return this; }
    public PgException withColumn(String c) { this.columnName = c; return this; }
    public PgException withDataType(String d) { this.dataTypeName = d; return this; }
    public PgException withConstraint(String c) { this.constraintName = c; return this; }

    public Severity severity() { return severity; }
    public SqlState sqlState() { return sqlState; }
    public String detail() { return detail; }
    public String hint() { return hint; }
    public int position() { return position; }
    public int internalPosition() { return internalPosition; }
    public String internalQuery() { return internalQuery; }
    public String where() { return where; }
    public String schemaName() { return schemaName; }
    public String tableName() { return tableName; }
    public String columnName() { return columnName; }
    public String dataTypeName() { return dataTypeName; }
    public String constraintName() { return constraintName; }

    @Override
    public String toString() {
        return severity + ":  " + getMessage() + " (SQLSTATE " + sqlState.code() + ")";
    }
}
