package org.pgjava.conf.errors;

/**
 * Message severities as PostgreSQL reports them in the ErrorResponse/NoticeResponse 'S' and 'V' fields.
 * ERROR aborts the current statement (and transaction block); FATAL ends the session; PANIC would stop
 * the whole server (pgjava maps it to a crash-restart). The others are notices.
 */
public enum Severity {
    DEBUG, LOG, INFO, NOTICE, WARNING, ERROR, FATAL, PANIC;

    /** True for ERROR, FATAL and PANIC: sent as ErrorResponse ('E'), the rest as NoticeResponse ('N'). */
    public boolean isError() {
        return ordinal() >= ERROR.ordinal();
    }
}
