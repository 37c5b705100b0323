package org.pgjava.backend.executor;

import java.util.HashMap;
import java.util.Map;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/** A SessionContext for tests: a settings map, fixed user/database/pid, and a countable interrupt check. */
public final class FakeSession implements SessionContext {
    public final Map<String, String> settings = new HashMap<>(Map.of(
            "extra_float_digits", "1", "bytea_output", "hex", "datestyle", "ISO, MDY", "timezone", "UTC"));
    /** What now() returns: 2024-02-29 12:34:56.789 UTC as a timestamptz value. */
    public long transactionStart = 762_525_296_789_000L;
    /** What statement_timestamp() returns. */
    public long statementStart = 762_525_296_789_000L;

    @Override
    public long transactionStartTimestamp() {
        return transactionStart;
    }

    @Override
    public long statementStartTimestamp() {
        return statementStart;
    }
    public int interruptChecks;
    public boolean cancelRequested;
    /** What FROM clauses can name; none unless a test installs a resolver. */
    public org.pgjava.backend.utils.relation.RelationResolver relations =
            org.pgjava.backend.utils.relation.RelationResolver.none();

    @Override
    public org.pgjava.backend.utils.relation.RelationResolver relations() {
        return relations;
    }

    @Override
    public String setting(String name) {
        String v = settings.get(name.toLowerCase(java.util.Locale.ROOT));
        if (v == null) {
            throw PgException.error(SqlState.UNDEFINED_OBJECT, "unrecognized configuration parameter \"" + name + "\"");
        }
        return v;
    }

    @Override
    public String currentUser() {
        return "alice";
    }

    @Override
    public String sessionUser() {
        return "bob";
    }

    @Override
    public String databaseName() {
        return "db1";
    }

    @Override
    public int backendPid() {
        return 4242;
    }

    @Override
    public boolean inTransactionBlock() {
        return false;
    }

    @Override
    public void checkForInterrupts() {
        interruptChecks++;
        if (cancelRequested) {
            throw PgException.error(SqlState.QUERY_CANCELED, "canceling statement due to user request");
        }
    }
}
