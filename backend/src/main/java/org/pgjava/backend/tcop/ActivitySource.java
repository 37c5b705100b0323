package org.pgjava.backend.tcop;

import org.pgjava.shmem.status.BackendStatus;

import java.util.List;

/**
 * Where a session reads other processes' activity from: the backend status array of the shared segment
 * (PostgreSQL's pgstat_read_current_status). Given to {@link Session#attachActivity}; the process main
 * passes {@code statusArray::snapshot} once it has attached the segment.
 */
@FunctionalInterface
public interface ActivitySource {
    /** A consistent copy of every used status slot, in slot order (see BackendStatusArray#snapshot). */
    List<BackendStatus> snapshot();

    /**
     * The status slots of {@code statuses} with each process's backend_xid and backend_xmin taken from
     * the process array {@code procs} (same slot index), as PostgreSQL's pg_stat_activity reads them from
     * PGPROC. A slot whose process-array entry belongs to another pid (it changed between the two reads)
     * shows none.
     */
    static ActivitySource of(org.pgjava.shmem.status.BackendStatusArray statuses,
                             org.pgjava.shmem.procarray.ProcArray procs) {
        return () -> {
            List<BackendStatus> all = statuses.snapshot();
            List<BackendStatus> out = new java.util.ArrayList<>(all.size());
            for (BackendStatus s : all) {
                org.pgjava.shmem.procarray.ProcEntry e = procs.read(s.slot());
                out.add(e != null && e.pid() == s.pid() ? s.withTransactionIds(e.xid(), e.xmin())
                        : s.withTransactionIds(0, 0));
            }
            return out;
        };
    }
}
