package org.pgjava.backend.tcop;

import java.util.function.IntPredicate;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.shmem.os.LibC;
import org.pgjava.shmem.procarray.BackendType;
import org.pgjava.shmem.status.BackendStatus;

/**
 * pg_cancel_backend and pg_terminate_backend's checks and signal, PostgreSQL's pg_signal_backend
 * (signalfuncs.c): find the target among the backend status slots, apply the permission rules, send SIGINT
 * (cancel: the target's next interrupt check fails with 57014) or SIGTERM (terminate: FATAL 57P01, the
 * process exits and the postmaster reaps it).
 *
 * <p>Rules, in PostgreSQL's order:
 * <ol>
 *   <li>The pid must be a client backend's: auxiliary processes, standby backends and unknown pids give a
 *       WARNING {@code PID n is not a PostgreSQL backend process} and false.</li>
 *   <li>A backend of a superuser (or of no role) may be signalled only by a superuser: 42501 {@code must be
 *       a superuser to cancel superuser query} / {@code ... to terminate superuser process}.</li>
 *   <li>Otherwise the caller must have the privileges of the target's role. pgjava has no role membership
 *       yet, so that means: the same role, or a superuser; else 42501 {@code must be a member of the role
 *       whose query is being canceled or member of pg_signal_backend} (terminate: {@code ... whose process
 *       is being terminated ...}).</li>
 *   <li>kill(2) failing (the process just exited) gives a WARNING {@code could not send signal to process
 *       n: ...} and false.</li>
 * </ol>
 *
 * <p>Entry point: {@link #signal(int, boolean, int, boolean, java.util.function.Consumer, Runnable)}.
 */
final class BackendSignaller {
    private final ActivitySource activity;
    private final IntPredicate superuserRole;

    /**
     * @param activity      the backend status slots
     * @param superuserRole whether a role OID belongs to a superuser (from the role file)
     */
    BackendSignaller(ActivitySource activity, IntPredicate superuserRole) {
        this.activity = activity;
        this.superuserRole = superuserRole;
    }

    /**
     * Signals backend {@code pid} following the rules above.
     *
     * @param terminate      SIGTERM (pg_terminate_backend) instead of SIGINT (pg_cancel_backend)
     * @param callerRoleOid  current_user's OID
     * @param callerIsSuper  whether current_user is a superuser
     * @param warnings       receives the WARNINGs of rules 1 and 4
     * @param signalSelf     run instead of kill(2) when {@code pid} is the caller's own process: a JVM
     *                       handles signals on another thread, later, so the caller sets its own flag
     * @return true when the signal was sent
     * @throws PgException 42501 for rules 2 and 3
     */
    boolean signal(int pid, boolean terminate, int callerRoleOid, boolean callerIsSuper,
                   java.util.function.Consumer<PgException> warnings, Runnable signalSelf) {
        BackendStatus target = null;
        for (BackendStatus s : activity.snapshot()) {
            if (s.pid() == pid && s.backendType() == BackendType.CLIENT_BACKEND) {
                target = s;
                break;
            }
        }
        if (target == null) {
            warnings.accept(new PgException(Severity.WARNING, SqlState.WARNING,
                    "PID " + pid + " is not a PostgreSQL backend process"));
            return false;
        }
        int role = target.roleOid();
        if ((role == 0 || superuserRole.test(role)) && !callerIsSuper) {
            throw PgException.error(SqlState.INSUFFICIENT_PRIVILEGE, terminate
                    ? "must be a superuser to terminate superuser process"
                    : "must be a superuser to cancel superuser query");
        }
        if (!callerIsSuper && role != callerRoleOid) {
            throw PgException.error(SqlState.INSUFFICIENT_PRIVILEGE, terminate
                    ? "must be a member of the role whose process is being terminated or member of pg_signal_backend"
                    : "must be a member of the role whose query is being canceled or member of pg_signal_backend");
        }
        if (pid == ProcessHandle.current().pid()) {
            signalSelf.run();
            return true;
        }
        try {
            LibC.kill(pid, terminate ? LibC.SIGTERM : LibC.SIGINT);
            return true;
        } catch (com.sun.jna.LastErrorException e) {
            warnings.accept(new PgException(Severity.WARNING, SqlState.WARNING,
                    "could not send signal to process " + pid + ": " + errnoText(e.getErrorCode())));
            return false;
        }
    }

    private static String errnoText(int errno) {
        return switch (errno) {
            case LibC.ESRCH -> "No such process";
            case 1 -> "Operation not permitted";
            default -> "errno " + errno;
        };
    }

    /** True while process {@code pid} exists (kill(pid, 0) succeeds or fails with EPERM). */
    static boolean processExists(int pid) {
        try {
            LibC.kill(pid, 0);
            return true;
        } catch (com.sun.jna.LastErrorException e) {
            return e.getErrorCode() != LibC.ESRCH;
        }
    }
}
