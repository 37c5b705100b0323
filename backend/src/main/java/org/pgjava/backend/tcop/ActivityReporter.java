package org.pgjava.backend.tcop;

import org.pgjava.shmem.status.BackendState;
import org.pgjava.shmem.status.BackendStatusSlot;
import org.pgjava.shmem.status.WaitEvent;

/**
 * Where a session reports its own activity (PostgreSQL's pgstat_report_activity and
 * pgstat_report_xact_timestamp): its backend status slot once the process main has attached the shared
 * segment, {@link #NONE} before that. Session calls it at the points PostgreSQL does: "active" with the
 * statement text when a Query, Parse, Bind or Execute starts, the idle state of the transaction status
 * before each ReadyForQuery.
 *
 * <p>Entry points: {@link #statementStarted}, {@link #idle}, {@link #applicationNameChanged},
 * {@link #of(BackendStatusSlot)}.
 */
public interface ActivityReporter {
    /** Reports nothing: the process has no status slot. */
    ActivityReporter NONE = new ActivityReporter() {
        @Override
        public void statementStarted(String query, boolean transactionStarts) {
        }

        @Override
        public void idle(TransactionStatus status) {
        }

        @Override
        public void applicationNameChanged(String applicationName) {
        }

        @Override
        public void waitStarted(WaitEvent event) {
        }

        @Override
        public void waitEnded() {
        }
    };

    /**
     * A statement starts: state "active", the text, query_start and state_change = now; when
     * {@code transactionStarts}, xact_start = the same instant. Must not allocate.
     */
    void statementStarted(String query, boolean transactionStarts);

    /**
     * The session waits for the client in {@code status}: state "idle", "idle in transaction" or "idle in
     * transaction (aborted)", state_change = now; xact_start is cleared when no transaction is open; the wait
     * event becomes Client/ClientRead (the next thing the backend does is wait for the client's message;
     * the next statementStarted ends it). The statement text stays (pg_stat_activity shows an idle
     * backend's last statement). Must not allocate.
     */
    void idle(TransactionStatus status);

    /** application_name has a new value (reported with the other GUC_REPORT settings, before ReadyForQuery). */
    void applicationNameChanged(String applicationName);

    /**
     * The session starts waiting for {@code event} inside a statement (pg_sleep's Timeout/PgSleep, a lock):
     * wait_event_type / wait_event show it until {@link #waitEnded()}. Must not allocate.
     */
    void waitStarted(WaitEvent event);

    /** The wait of {@link #waitStarted} is over: wait_event_type / wait_event are NULL again. */
    void waitEnded();

    /** A reporter writing into {@code slot} (the process's own backend status slot, already begun). */
    static ActivityReporter of(BackendStatusSlot slot) {
        return new ActivityReporter() {
            private boolean transactionShown;

            @Override
            public void statementStarted(String query, boolean transactionStarts) {
                slot.reportWaitEnd();
                long now = slot.reportActivity(BackendState.ACTIVE, query);
                if (transactionStarts || !transactionShown) {
                    slot.reportTransactionStart(now);
                    transactionShown = true;
                }
            }

            @Override
            public void idle(TransactionStatus status) {
                slot.reportActivity(switch (status) {
                    case IDLE -> BackendState.IDLE;
                    case IN_BLOCK -> BackendState.IDLE_IN_TRANSACTION;
                    case FAILED -> BackendState.IDLE_IN_TRANSACTION_ABORTED;
                }, null);
                if (status == TransactionStatus.IDLE && transactionShown) {
                    slot.reportTransactionStart(0);
                    transactionShown = false;
                }
                slot.reportWaitEvent(WaitEvent.CLIENT_READ);
            }

            @Override
            public void applicationNameChanged(String applicationName) {
                slot.reportApplicationName(applicationName);
            }

            @Override
            public void waitStarted(WaitEvent event) {
                slot.reportWaitEvent(event);
            }

            @Override
            public void waitEnded() {
                slot.reportWaitEnd();
            }
        };
    }
}
