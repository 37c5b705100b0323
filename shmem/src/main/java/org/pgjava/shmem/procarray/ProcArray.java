package org.pgjava.shmem.procarray;

import org.pgjava.shmem.atomic.SharedAtomics;

import java.lang.foreign.MemorySegment;

/**
 * The process array: one 64-byte slot per backend and auxiliary process (PostgreSQL's PGPROC array, the
 * fields other processes need), in a region of {@link #regionSize(int)} bytes. The slot count is fixed when
 * the postmaster builds the layout: max_connections + standby backends + auxiliary processes.
 *
 * <p>Entry points: {@link #claim} (a process takes a free slot at start; its index is also its LWLock wait
 * slot), the owner's setters ({@link #setBackendType}, {@link #setDatabaseAndRole}, {@link #setXid},
 * {@link #setXmin}, {@link #setWaitEvent}), {@link #signal} (any process raises cancel/terminate for a pid),
 * {@link #takePending} (the owner clears them), {@link #release} (the owner at exit), {@link #read} and
 * {@link #slotOfPid} for everyone.
 *
 * <p><b>Allocation is lock-free</b>: a compare-and-set on the slot's first word, which holds the pid (low 32
 * bits) and the pending flags (high 32 bits). Claiming moves it from 0 (free) to {@link #RESERVED}, the
 * owner fills the slot with plain-ordered writes, then publishes its pid with a release store; releasing
 * moves it to RESERVED, zeroes the slot and stores 0 with release. Because the flags live in the same
 * word as the pid, {@link #signal} sets them with a compare-and-set that also checks the pid: a flag can
 * never land on a process that took the slot after the one it was meant for. No LWLock is involved, so the
 * postmaster may read the array (rule 10 of docs/shmem/README.md), and a process can claim its slot before
 * it has an LWLock wait slot (it gets that from the claim).
 *
 * <p>Slot layout (offsets within the slot, native byte order):
 * <pre>
 * offset size field                                        written by / guarded by
 *   0     8   pid (bits 0-31: 0 free, -1 reserved, else     CAS (claim, signal, takePending);
 *             the pid) | pending flags (bits 32-63:         release store by the owner (publish, free)
 *             1 CANCEL, 2 TERMINATE)
 *   8     4   backend type code (BackendType.code, 0 unset) owner; volatile store, read volatile
 *  12     4   database OID (0 none: auxiliary process)      owner; volatile
 *  16     4   role OID (0 none)                             owner; volatile
 *  20     4   reserved, zero                                -
 *  24     8   xid: top transaction id (0 = none; issue 4)   owner; volatile
 *  32     8   xmin: oldest xid it may still see (0 = none)  owner; volatile
 *  40     8   wait event: type (bits 32-63) | id (0-31),    owner; volatile (one word, so a reader never
 *             0 = not waiting                               sees the type of one wait with another's id)
 *  48    16   reserved, zero                                -
 * </pre>
 * Readers take no lock: each field is one atomic word, and a reader that needs the fields to belong to the
 * same process re-reads word 0 after them ({@link #read} does).
 */
public final class ProcArray {
    /** Bytes per slot (a cache line). */
    public static final int SLOT_SIZE = 64;
    /** The pid value of a slot being set up or torn down. */
    public static final int RESERVED = -1;
    /** Pending flag: cancel the current statement (57014). */
    public static final int CANCEL = 1;
    /** Pending flag: terminate the process (FATAL 57P01). */
    public static final int TERMINATE = 2;

    static final long PID_FLAGS = 0, TYPE = 8, DATABASE = 12, ROLE = 16, XID = 24, XMIN = 32, WAIT_EVENT = 40;
    private static final long PID_MASK = 0xFFFF_FFFFL;

    private final MemorySegment region;
    private final int slots;

    /**
     * A view of the array in this process.
     *
     * @param region the region (from {@code SharedSegment.region(name)}), {@link #regionSize(int)} bytes
     * @throws IllegalArgumentException if the region size is not a positive multiple of {@link #SLOT_SIZE}
     */
    public ProcArray(MemorySegment region) {
        if (region.byteSize() <= 0 || region.byteSize() % SLOT_SIZE != 0) {
            throw new IllegalArgumentException("process array region size " + region.byteSize()
                    + " is not a positive multiple of " + SLOT_SIZE);
        }
        this.region = region;
        this.slots = (int) (region.byteSize() / SLOT_SIZE);
    }

    /** The region size for {@code slots} slots (for {@code RegionLayout.Builder.add}). */
    public static long regionSize(int slots) {
        if (slots <= 0) throw new IllegalArgumentException("slot count must be positive: " + slots);
        return (long) SLOT_SIZE * slots;
    }

    /** The number of slots. */
    public int slotCount() {
        return slots;
    }

    private static long base(int slot) {
        return (long) slot * SLOT_SIZE;
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= slots) throw new IndexOutOfBoundsException("slot " + slot + " of " + slots);
    }

    /**
     * Takes a free slot for process {@code pid} and publishes it with the given type, database and role.
     *
     * @return the slot index (also the process's LWLock wait slot), or -1 when every slot is taken
     *         (the caller reports PostgreSQL's 53300 "sorry, too many clients already" or exits)
     * @throws IllegalArgumentException if pid is not positive
     */
    public int claim(int pid, BackendType type, int databaseOid, int roleOid) {
        if (pid <= 0) throw new IllegalArgumentException("pid must be positive: " + pid);
        for (int slot = 0; slot < slots; slot++) {
            long b = base(slot);
            if (SharedAtomics.getLongAcquire(region, b + PID_FLAGS) == 0
                    && SharedAtomics.compareAndSetLong(region, b + PID_FLAGS, 0, RESERVED & PID_MASK)) {
                SharedAtomics.setInt(region, b + TYPE, type.code());
                SharedAtomics.setInt(region, b + DATABASE, databaseOid);
                SharedAtomics.setInt(region, b + ROLE, roleOid);
                SharedAtomics.setLong(region, b + XID, 0);
                SharedAtomics.setLong(region, b + XMIN, 0);
                SharedAtomics.setLong(region, b + WAIT_EVENT, 0);
                SharedAtomics.setLongRelease(region, b + PID_FLAGS, pid & PID_MASK);
                return slot;
            }
        }
        return -1;
    }

    /**
     * Frees the owner's slot: pending flags are dropped, the fields zeroed, then the slot becomes free.
     *
     * @throws IllegalStateException if {@code slot} does not belong to {@code pid}
     */
    public void release(int slot, int pid) {
        checkSlot(slot);
        long b = base(slot);
        while (true) {
            long word = SharedAtomics.getLong(region, b + PID_FLAGS);
            if ((int) word != pid) {
                throw new IllegalStateException("process-array slot " + slot + " belongs to pid " + (int) word
                        + ", not " + pid);
            }
            if (SharedAtomics.compareAndSetLong(region, b + PID_FLAGS, word, RESERVED & PID_MASK)) break;
        }
        SharedAtomics.setInt(region, b + TYPE, 0);
        SharedAtomics.setInt(region, b + DATABASE, 0);
        SharedAtomics.setInt(region, b + ROLE, 0);
        SharedAtomics.setLong(region, b + XID, 0);
        SharedAtomics.setLong(region, b + XMIN, 0);
        SharedAtomics.setLong(region, b + WAIT_EVENT, 0);
        SharedAtomics.setLongRelease(region, b + PID_FLAGS, 0);
    }

    /** Owner: the slot's backend type changes (a standby backend becomes a client backend). */
    public void setBackendType(int slot, BackendType type) {
        checkSlot(slot);
        SharedAtomics.setInt(region, base(slot) + TYPE, type.code());
    }

    /** Owner: the database and role the process now works for. */
    public void setDatabaseAndRole(int slot, int databaseOid, int roleOid) {
        checkSlot(slot);
        SharedAtomics.setInt(region, base(slot) + DATABASE, databaseOid);
        SharedAtomics.setInt(region, base(slot) + ROLE, roleOid);
    }

    /** Owner: the top-level transaction id (0 = none). */
    public void setXid(int slot, long xid) {
        checkSlot(slot);
        SharedAtomics.setLong(region, base(slot) + XID, xid);
    }

    /** Owner: the oldest xid this process may still see (0 = none). */
    public void setXmin(int slot, long xmin) {
        checkSlot(slot);
        SharedAtomics.setLong(region, base(slot) + XMIN, xmin);
    }

    /** Owner: starts ({@code type != 0}) or ends ({@code 0, 0}) a wait. One store, no allocation. */
    public void setWaitEvent(int slot, int type, int id) {
        checkSlot(slot);
        SharedAtomics.setLong(region, base(slot) + WAIT_EVENT, ((long) type << 32) | (id & PID_MASK));
    }

    /**
     * Any process: raises {@code flags} ({@link #CANCEL}, {@link #TERMINATE}) for process {@code pid}. The
     * flags are set only while the slot still belongs to that pid (one compare-and-set on pid + flags).
     * The target sees them at its next {@link #takePending}; waking it (a signal) is the caller's business.
     *
     * @return false when no slot belongs to {@code pid}
     */
    public boolean signal(int pid, int flags) {
        if (pid <= 0) return false;
        for (int slot = 0; slot < slots; slot++) {
            long b = base(slot);
            long word = SharedAtomics.getLong(region, b + PID_FLAGS);
            while ((int) word == pid) {
                long witness = SharedAtomics.compareAndExchangeLong(region, b + PID_FLAGS, word,
                        word | ((long) flags << 32));
                if (witness == word) return true;
                word = witness;
            }
        }
        return false;
    }

    /**
     * Owner: clears and returns those of {@code mask}'s pending flags that were set. Cheap when none is
     * set (one volatile read).
     *
     * @throws IllegalStateException if {@code slot} does not belong to {@code pid}
     */
    public int takePending(int slot, int pid, int mask) {
        checkSlot(slot);
        long b = base(slot);
        long word = SharedAtomics.getLong(region, b + PID_FLAGS);
        while (true) {
            if ((int) word != pid) {
                throw new IllegalStateException("process-array slot " + slot + " belongs to pid " + (int) word
                        + ", not " + pid);
            }
            int set = (int) (word >>> 32) & mask;
            if (set == 0) return 0;
            long witness = SharedAtomics.compareAndExchangeLong(region, b + PID_FLAGS, word,
                    word & ~((long) set << 32));
            if (witness == word) return set;
            word = witness;
        }
    }

    /**
     * The slot of process {@code pid}.
     *
     * @return the slot index, or -1 if no slot belongs to it
     */
    public int slotOfPid(int pid) {
        if (pid <= 0) return -1;
        for (int slot = 0; slot < slots; slot++) {
            if ((int) SharedAtomics.getLong(region, base(slot) + PID_FLAGS) == pid) return slot;
        }
        return -1;
    }

    /**
     * A consistent copy of one slot.
     *
     * @return the entry, or null when the slot is free or being set up / torn down
     */
    public ProcEntry read(int slot) {
        checkSlot(slot);
        long b = base(slot);
        while (true) {
            long word = SharedAtomics.getLongAcquire(region, b + PID_FLAGS);
            int pid = (int) word;
            if (pid <= 0) return null;
            int type = SharedAtomics.getInt(region, b + TYPE);
            int db = SharedAtomics.getInt(region, b + DATABASE);
            int role = SharedAtomics.getInt(region, b + ROLE);
            long xid = SharedAtomics.getLong(region, b + XID);
            long xmin = SharedAtomics.getLong(region, b + XMIN);
            long wait = SharedAtomics.getLong(region, b + WAIT_EVENT);
            long again = SharedAtomics.getLongAcquire(region, b + PID_FLAGS);
            if ((int) again == pid) {
                return new ProcEntry(slot, pid, BackendType.fromCode(type), db, role, xid, xmin,
                        (int) (wait >>> 32), (int) wait, (int) (again >>> 32));
            }
        }
    }

    /** The xid field of {@code slot} (one volatile read, no pid check; 0 for a free slot). */
    public long xidOf(int slot) {
        checkSlot(slot);
        return SharedAtomics.getLong(region, base(slot) + XID);
    }

    /** The xmin field of {@code slot} (one volatile read, no pid check; 0 for a free slot). */
    public long xminOf(int slot) {
        checkSlot(slot);
        return SharedAtomics.getLong(region, base(slot) + XMIN);
    }

    /** The pid of {@code slot}'s owner, or 0 when free ({@link #RESERVED} while being set up). */
    public int pidOf(int slot) {
        checkSlot(slot);
        return (int) SharedAtomics.getLong(region, base(slot) + PID_FLAGS);
    }
}
