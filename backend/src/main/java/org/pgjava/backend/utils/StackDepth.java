package org.pgjava.backend.utils;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * The error for a statement nested too deeply to process. Recursive phases (parsing, analysis, folding,
 * evaluation) catch {@link StackOverflowError} and throw {@link #limitExceeded()} instead, as PostgreSQL's
 * check_stack_depth() does.
 */
public final class StackDepth {
    private StackDepth() {
    }

    /** 54001 statement_too_complex, with PostgreSQL's message and hint. */
    public static PgException limitExceeded() {
        return PgException.error(SqlState.STATEMENT_TOO_COMPLEX, "stack depth limit exceeded")
                .withHint("Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring the platform's stack depth limit is adequate.");
    }
}
