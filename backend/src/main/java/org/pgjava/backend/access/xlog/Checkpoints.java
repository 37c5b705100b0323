package org.pgjava.backend.access.xlog;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.shmem.checkpoint.CheckpointRequests;
import org.pgjava.shmem.os.LibC;
import org.pgjava.shmem.os.ProcessControl;
import org.pgjava.shmem.server.ProcessAttachment;
import org.pgjava.shmem.status.WaitEvent;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A backend's side of checkpoint requests (PostgreSQL's RequestCheckpoint): the CHECKPOINT command and any
 * code that needs a checkpoint done before it goes on. Entry points: {@link #checkpointCommand} (the SQL
 * command, with its privilege check), {@link #requestAndWait}.
 *
 * <p>Protocol: {@link CheckpointRequests} (shared region {@value CheckpointRequests#REGION}) — record the
 * flags, signal the checkpointer with SIGINT, wait for a checkpoint that began after the request to end.
 * While waiting, the backend's pg_stat_activity row shows wait event IPC/CheckpointStart, then
 * IPC/CheckpointDone, and {@code interruptCheck} runs every few milliseconds (a cancel stops the wait; the
 * checkpoint itself goes on, as in PostgreSQL).
 */
public final class Checkpoints {
    /** How long a requester waits for a checkpointer to exist (PostgreSQL retries for 60 s). */
    static final long CHECKPOINTER_WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private Checkpoints() {
    }

    /**
     * The CHECKPOINT command: requires superuser or membership in pg_checkpoint (42501 otherwise, PostgreSQL
     * 15's text), then an immediate, forced checkpoint, waited for.
     *
     * @param privileged the session's role is a superuser or has the privileges of pg_checkpoint
     * @throws PgException 42501 without privilege; XX000 "checkpoint request failed" if the checkpoint failed
     */
    public static void checkpointCommand(ProcessAttachment attachment, boolean privileged, Runnable interruptCheck) {
        if (!privileged) {
            throw PgException.error(SqlState.INSUFFICIENT_PRIVILEGE,
                    "must be superuser or have privileges of pg_checkpoint to do CHECKPOINT");
        }
        requestAndWait(attachment, CheckpointRequests.IMMEDIATE | CheckpointRequests.FORCE | CheckpointRequests.WAIT,
                interruptCheck);
    }

    /**
     * Requests a checkpoint with {@code flags} (CheckpointRequests CHECKPOINT_* bits) and, when
     * {@link CheckpointRequests#WAIT} is among them, waits until a checkpoint that started after the request
     * has completed.
     *
     * @param interruptCheck run while waiting; throws to stop waiting (e.g. 57014 on cancel)
     * @throws PgException XX000 "checkpoint request failed" (HINT as PostgreSQL's) if that checkpoint failed,
     *                     or if no checkpointer appeared within 60 s
     */
    public static void requestAndWait(ProcessAttachment attachment, int flags, Runnable interruptCheck) {
        CheckpointRequests requests = new CheckpointRequests(
                attachment.segment().region(CheckpointRequests.REGION));
        CheckpointRequests.Ticket ticket = requests.request(flags);
        long deadline = System.nanoTime() + CHECKPOINTER_WAIT_NANOS;
        int pid;
        while ((pid = requests.checkpointerPid()) == 0 || !ProcessControl.signal(pid, LibC.SIGINT)) {
            if (System.nanoTime() > deadline) {
                throw PgException.error(SqlState.INTERNAL_ERROR,
                        "could not request checkpoint because checkpointer not running");
            }
            interruptCheck.run();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        if ((flags & CheckpointRequests.WAIT) == 0) {
            return;
        }
        var status = attachment.statusSlot();
        long newStarted;
        status.reportWaitEvent(WaitEvent.CHECKPOINT_START);
        try {
            newStarted = waitUntil(() -> requests.started() != ticket.startedBefore(), interruptCheck, requests);
            newStarted = requests.started();
            status.reportWaitEvent(WaitEvent.CHECKPOINT_DONE);
            long target = newStarted;
            waitUntil(() -> requests.done() - target >= 0, interruptCheck, requests);
        } finally {
            status.reportWaitEnd();
        }
        if (requests.failed() != ticket.failedBefore()) {
            throw PgException.error(SqlState.INTERNAL_ERROR, "checkpoint request failed")
                    .withHint("Consult recent messages in the server log for details.");
        }
    }

    private static long waitUntil(java.util.function.BooleanSupplier condition, Runnable interruptCheck,
                                  CheckpointRequests requests) {
        long sleepMicros = 100;
        while (!condition.getAsBoolean()) {
            interruptCheck.run();
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(sleepMicros));
            sleepMicros = Math.min(10_000, sleepMicros * 2);
        }
        return requests.started();
    }
}
