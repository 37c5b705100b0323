package org.pgjava.shmem.server;

import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.lock.LWLockWaitSlots;
import org.pgjava.shmem.procarray.BackendType;
import org.pgjava.shmem.procarray.ProcArray;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;
import org.pgjava.shmem.status.BackendStatus;
import org.pgjava.shmem.status.BackendStatusArray;
import org.pgjava.shmem.status.BackendStatusSlot;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A child process's place in the server's shared segment: the mapping, its process-array slot (which is
 * also its LWLock wait slot and its backend status slot), its {@link LWLockOwner} and its status writer.
 * Made once, first thing in a child's main, on the thread that will take LWLocks (docs/shmem/README.md,
 * rules 11–15).
 *
 * <p>Entry points: {@link #attach(String, String, int, BackendType)} → {@link #becomeClient} /
 * {@link #becomeStandby()} (backends) → {@link #detach()} before an orderly exit. An exit for a crash
 * (SIGUSR1) does not detach: the postmaster replaces the whole segment.
 */
public final class ProcessAttachment {
    private final SharedSegment segment;
    private final ProcArray procs;
    private final BackendStatusArray status;
    private final BackendStatusSlot mine;
    private final LWLockOwner owner;
    private final int slot;
    private final int pid;
    private final ServerSegmentLayout layout;
    private boolean detached;

    /** No free process-array slot: the layout is too small for the processes alive. */
    public static final class NoFreeSlotException extends Exception {
        NoFreeSlotException(int slots) {
            super("no free process-array slot (all " + slots + " in use)");
        }
    }

    private ProcessAttachment(SharedSegment segment, int pid, BackendType type, ServerSegmentLayout layout)
            throws NoFreeSlotException {
        this.segment = segment;
        this.layout = layout;
        this.pid = pid;
        this.procs = new ProcArray(segment.region(ServerSegmentLayout.PROC_ARRAY));
        int s = procs.claim(pid, type, 0, 0);
        if (s < 0) {
            throw new NoFreeSlotException(procs.slotCount());
        }
        this.slot = s;
        this.owner = new LWLockOwner(new LWLockWaitSlots(segment.region(ServerSegmentLayout.LWLOCK_WAIT_SLOTS)), s);
        this.status = new BackendStatusArray(segment.region(ServerSegmentLayout.BACKEND_STATUS), layout.querySize());
        this.mine = status.slot(s);
        BackendStatusSlot reporting = mine;
        owner.setWaitReporter(new LWLockOwner.WaitReporter() {
            @Override
            public void waitStart(int trancheId) {
                reporting.reportWaitEvent(org.pgjava.shmem.status.WaitEvent.Type.LWLOCK.code(), trancheId);
            }

            @Override
            public void waitEnd() {
                reporting.reportWaitEnd();
            }
        });
        mine.begin(pid, type, 0, null, 0, null, null, BackendStatus.ClientKind.NONE, null, 0,
                BackendStatusSlot.currentTimestamp());
    }

    /**
     * Attaches the segment named by the two environment values, claims a slot for {@code pid} as
     * {@code type}, and begins its status slot (no database, role or client).
     *
     * @param identityValue the {@code PGJAVA_SHMEM} value
     * @param layoutValue   the {@code PGJAVA_SHMEM_LAYOUT} value
     * @throws IllegalArgumentException                           if a value is missing or malformed
     * @throws org.pgjava.shmem.segment.SegmentValidationException if the segment is of another generation or layout
     * @throws IOException                                        if the file cannot be mapped
     * @throws NoFreeSlotException                                if every process-array slot is taken
     */
    public static ProcessAttachment attach(String identityValue, String layoutValue, int pid, BackendType type)
            throws IOException, NoFreeSlotException {
        if (identityValue == null) {
            throw new IllegalArgumentException(SegmentIdentity.ENVIRONMENT_VARIABLE + " is not set");
        }
        ServerSegmentLayout layout = ServerSegmentLayout.fromEnvironmentValue(layoutValue);
        SharedSegment segment = SharedSegment.attach(SegmentIdentity.fromEnvironmentValue(identityValue),
                layout.regions());
        try {
            return new ProcessAttachment(segment, pid, type, layout);
        } catch (NoFreeSlotException | RuntimeException e) {
            segment.close();
            throw e;
        }
    }

    /** The attached segment (its regions are named in {@link ServerSegmentLayout}). */
    public SharedSegment segment() {
        return segment;
    }

    /** The layout the segment was attached with (region sizes and their parameters). */
    public ServerSegmentLayout layout() {
        return layout;
    }

    /** The slot index (process array = LWLock wait slot = status slot). */
    public int slot() {
        return slot;
    }

    /** The process array (for reading other processes and for signalling them). */
    public ProcArray procs() {
        return procs;
    }

    /** The status array (its {@code snapshot} is pg_stat_activity's source). */
    public BackendStatusArray statusArray() {
        return status;
    }

    /** This process's own status slot (written only by this process). */
    public BackendStatusSlot statusSlot() {
        return mine;
    }

    /** This process's LWLock owner (bound to the thread that attached). */
    public LWLockOwner lwlockOwner() {
        return owner;
    }

    /**
     * A client was handed over: the slot becomes a client backend of the given database and role, the
     * status slot is begun anew with the client's address ({@code local}: Unix socket, address NULL and
     * port -1, as PostgreSQL shows them).
     *
     * @param clientAddress the numeric IP address of a TCP client (ignored when local)
     * @throws IllegalArgumentException if clientAddress is not a numeric IP address
     */
    public synchronized void becomeClient(int databaseOid, String database, int roleOid, String role,
                                          String applicationName, boolean local, String clientAddress,
                                          int clientPort) {
        byte[] address = null;
        BackendStatus.ClientKind kind = BackendStatus.ClientKind.UNIX;
        if (!local) {
            address = numericAddress(clientAddress);
            kind = address.length == 4 ? BackendStatus.ClientKind.INET4 : BackendStatus.ClientKind.INET6;
        }
        procs.setBackendType(slot, BackendType.CLIENT_BACKEND);
        procs.setDatabaseAndRole(slot, databaseOid, roleOid);
        mine.begin(pid, BackendType.CLIENT_BACKEND, databaseOid, database, roleOid, role, applicationName, kind,
                address, clientPort, BackendStatusSlot.currentTimestamp());
    }

    /** The client is gone and the process waits for another: a standby backend again (not in pg_stat_activity). */
    public synchronized void becomeStandby() {
        procs.setBackendType(slot, BackendType.STANDBY_BACKEND);
        procs.setDatabaseAndRole(slot, 0, 0);
        mine.begin(pid, BackendType.STANDBY_BACKEND, 0, null, 0, null, null, BackendStatus.ClientKind.NONE, null, 0,
                BackendStatusSlot.currentTimestamp());
    }

    /**
     * Before an orderly exit: releases LWLocks still held (only when called on the owner's thread), ends the
     * status slot, frees the process-array slot. Idempotent; never throws.
     */
    public synchronized void detach() {
        if (detached) {
            return;
        }
        detached = true;
        try {
            owner.releaseAll();
        } catch (RuntimeException ignored) {
            // another thread (a signal handler's exit path): this process takes no LWLocks yet off its main thread
        }
        mine.end();
        try {
            procs.release(slot, pid);
        } catch (IllegalStateException ignored) {
            // not ours any more: cannot happen within one segment generation
        }
        // the mapping stays until the process exits: another thread may still be reading pg_stat_activity
    }

    private static byte[] numericAddress(String text) {
        if (text == null || text.isEmpty() || !(Character.digit(text.charAt(0), 16) >= 0 || text.charAt(0) == ':')) {
            throw new IllegalArgumentException("not a numeric IP address: \"" + text + "\"");
        }
        try {
            return InetAddress.getByName(text).getAddress(); // numeric: no name lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not a numeric IP address: \"" + text + "\"", e);
        }
    }
}
