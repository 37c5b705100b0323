package org.pgjava.shmem.procarray;

/**
 * A copy of one live process-array slot, made by {@link ProcArray#read(int)}.
 *
 * @param slot          the slot index
 * @param pid           the process id
 * @param backendType   the process kind (null only if the owner stored an unknown code)
 * @param databaseOid   0 for processes not connected to a database
 * @param roleOid       0 for processes without a role
 * @param xid           top transaction id, 0 = none
 * @param xmin          oldest xid still seen, 0 = none
 * @param waitEventType 0 = not waiting
 * @param waitEventId   the event within its type
 * @param pendingFlags  {@link ProcArray#CANCEL} / {@link ProcArray#TERMINATE} bits not yet taken
 */
public record ProcEntry(int slot, int pid, BackendType backendType, int databaseOid, int roleOid, long xid,
                        long xmin, int waitEventType, int waitEventId, int pendingFlags) {
}
