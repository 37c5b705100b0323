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
}
