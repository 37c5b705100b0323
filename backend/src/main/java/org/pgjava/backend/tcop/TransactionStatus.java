package org.pgjava.backend.tcop;

/**
 * The transaction status a session reports to its client between commands (PostgreSQL's
 * TransactionBlockStatusCode). The protocol layer sends {@link #statusByte()} in ReadyForQuery and shows
 * {@link #idleActivity()} as the process title while waiting for the next message. Obtained from
 * {@link Session#transactionStatus()}.
 */
public enum TransactionStatus {
    /** No transaction block is open (the last statement's transaction committed or rolled back). */
    IDLE('I', "idle"),
    /** Inside a transaction block (BEGIN, or several statements of one Query message). */
    IN_BLOCK('T', "idle in transaction"),
    /** Inside a failed transaction block: only ROLLBACK / COMMIT / ROLLBACK TO are accepted. */
    FAILED('E', "idle in transaction (aborted)");

    private final char statusByte;
    private final String idleActivity;

    TransactionStatus(char statusByte, String idleActivity) {
        this.statusByte = statusByte;
        this.idleActivity = idleActivity;
    }

    /** The ReadyForQuery status byte: 'I', 'T' or 'E'. */
    public char statusByte() {
        return statusByte;
    }

    /** What pg_stat_activity / the process title shows while the session waits in this status. */
    public String idleActivity() {
        return idleActivity;
    }
}
