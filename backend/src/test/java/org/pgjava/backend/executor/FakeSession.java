package org.pgjava.backend.executor;

import java.util.HashMap;
import java.util.Map;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/** A SessionContext for tests: a settings map, fixed user/database/pid, and a countable interrupt check. */
public final class FakeSession implements SessionContext {
    public final Map<String, String> settings = new HashMap<>(Map.of(
            "extra_float_digits", "1", "bytea_output", "hex", "datestyle", "ISO, MDY"));
    public int interruptChecks;
    public boolean cancelRequested;

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
