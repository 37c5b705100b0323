package org.pgjava.backend.tcop;

import org.pgjava.backend.executor.QueryRun;

/**
 * A bound, possibly partially executed statement (PostgreSQL's Portal): a prepared statement plus parameter
 * values and result formats, and the run-time state of its execution. Created by {@link Session#createPortal}
 * (Bind) or {@link Session#prepareSimpleStatement} (each statement of a simple Query), started by
 * {@link Session#startPortal}, then read with {@link #next()} until it returns null and {@link #complete(int)}
 * gives the command tag. Dropped by Close, by a later Bind of the same (unnamed) name, and at the end of the
 * transaction. The result formats and the "formats checked" mark belong to the protocol layer, which sends
 * the rows (printtup); the traffic cop only carries them. Not thread-safe.
 */
public final class Portal {
    final String name;
    final PreparedStatementEntry statement;
    final Object[] params;
    /** One format code per result column (0 text, 1 binary, anything else fails at the first row). */
    final short[] resultFormats;

    /** The running execution, created by {@link Session#startPortal}; null before and after. */
    QueryRun run;
    /** True once the execution completed (later Executes report an empty completion). */
    boolean done;
    /** Output formats were checked against the first row (printtup's lazy check). */
    private boolean formatsChecked;

    Portal(String name, PreparedStatementEntry statement, Object[] params, short[] resultFormats) {
        this.name = name;
        this.statement = statement;
        this.params = params;
        this.resultFormats = resultFormats;
    }

    /** The portal's name ("" for the unnamed portal). */
    public String name() {
        return name;
    }

    /** The statement it runs. */
    public PreparedStatementEntry statement() {
        return statement;
    }

    /** One format code per result column as bound, or null for all text. */
    public short[] resultFormats() {
        return resultFormats;
    }

    /** True once its execution started (and has not completed). */
    public boolean isStarted() {
        return run != null;
    }

    /** True once its execution completed; running it again yields no rows. */
    public boolean isDone() {
        return done;
    }

    /** True once the protocol layer checked the output formats at the first row. */
    public boolean formatsChecked() {
        return formatsChecked;
    }

    /** Records that the output formats were checked. */
    public void markFormatsChecked() {
        formatsChecked = true;
    }

    /**
     * The next row, one Java value per result column (null for SQL NULL), or null when there are no more.
     * Precondition: started ({@link Session#startPortal}) and not done.
     *
     * @throws org.pgjava.conf.errors.PgException every run-time error (including interrupts)
     */
    public Object[] next() {
        return run.next();
    }

    /**
     * Marks the portal done after {@link #next()} returned null and closes its run.
     *
     * @param rowsReturned the rows returned by this Execute (a SELECT tag reports those, as PostgreSQL does)
     * @return the CommandComplete tag
     */
    public String complete(int rowsReturned) {
        String tag = run.commandTag();
        done = true;
        close();
        if (tag != null && tag.startsWith("SELECT ")) tag = "SELECT " + rowsReturned;
        return tag;
    }

    /** The tag of running an already completed portal again: the utility's tag, or "SELECT 0". */
    public String completedTag() {
        return statement.utility() != null ? statement.utility().commandTag() : "SELECT 0";
    }

    /** Ends the execution and releases its resources; idempotent. */
    public void close() {
        if (run != null) {
            QueryRun r = run;
            run = null;
            r.close();
        }
    }
}
