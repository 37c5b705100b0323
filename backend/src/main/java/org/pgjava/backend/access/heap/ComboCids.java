package org.pgjava.backend.access.heap;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.pgjava.backend.utils.snapshot.TransactionOracle;

/**
 * Backend-local combo command ids, PostgreSQL's combocid.c. A tuple has one 4-byte t_cid field; when a
 * transaction deletes (or updates) a row version it inserted itself, both the inserting command (cmin) and
 * the deleting command (cmax) matter to its own later commands, so the pair is replaced by a combo id that
 * indexes this map, and HEAP_COMBOCID is set on the tuple.
 *
 * <p>Only the backend that created a combo id can resolve it; other backends never need to (they see the
 * tuple's xmin as another transaction's, for which command ids do not matter). The map lives for one
 * top-level transaction: call {@link #reset} at commit and abort.
 *
 * <p>Not thread-safe: one instance per backend, used only by its session thread.
 *
 * <p>Entry points: {@link #cmin}, {@link #cmax}, {@link #cidForDelete}, {@link #reset}.
 */
public final class ComboCids {
    /** The t_cid value and HEAP_COMBOCID flag to store on a tuple being deleted, updated, or re-deleted. */
    public record CidChoice(int rawCid, boolean combo) {
    }

    private final Map<Long, Integer> idByPair = new HashMap<>();
    private int[] cmins = new int[16];
    private int[] cmaxs = new int[16];
    private int count;

    /** Forgets every combo id (end of the top-level transaction). */
    public void reset() {
        idByPair.clear();
        count = 0;
    }

    /** How many combo ids are live. */
    public int size() {
        return count;
    }

    /**
     * HeapTupleHeaderGetCmin: the inserting command id. Only meaningful when the tuple's xmin is the
     * current transaction.
     */
    public int cmin(MemorySegment tuple) {
        int cid = HeapTupleHeader.rawCid(tuple);
        return HeapTupleHeader.has(tuple, HeapTupleHeader.HEAP_COMBOCID) ? realCmin(cid) : cid;
    }

    /**
     * HeapTupleHeaderGetCmax: the deleting command id. Only meaningful when the tuple's xmax is the
     * current transaction (and not lock-only).
     */
    public int cmax(MemorySegment tuple) {
        int cid = HeapTupleHeader.rawCid(tuple);
        return HeapTupleHeader.has(tuple, HeapTupleHeader.HEAP_COMBOCID) ? realCmax(cid) : cid;
    }

    /**
     * HeapTupleHeaderAdjustCmax: what to store in t_cid when the current transaction deletes or updates
     * {@code tuple} in command {@code cmax}: a combo id if the tuple was inserted by the current transaction
     * (its cmin must be kept), otherwise {@code cmax} itself.
     */
    public CidChoice cidForDelete(MemorySegment tuple, int cmax, TransactionOracle oracle) {
        if (!HeapTupleHeader.xminCommitted(tuple) && oracle.isCurrentTransaction(HeapTupleHeader.xmin(tuple))) {
            return new CidChoice(comboId(cmin(tuple), cmax), true);
        }
        return new CidChoice(cmax, false);
    }

    /** GetComboCommandId: the combo id for (cmin, cmax), created on first use. */
    public int comboId(int cmin, int cmax) {
        long key = ((long) cmin << 32) | (cmax & 0xFFFF_FFFFL);
        Integer id = idByPair.get(key);
        if (id != null) {
            return id;
        }
        if (count == cmins.length) {
            cmins = Arrays.copyOf(cmins, count * 2);
            cmaxs = Arrays.copyOf(cmaxs, count * 2);
        }
        cmins[count] = cmin;
        cmaxs[count] = cmax;
        idByPair.put(key, count);
        return count++;
    }

    private int realCmin(int combo) {
        check(combo);
        return cmins[combo];
    }

    private int realCmax(int combo) {
        check(combo);
        return cmaxs[combo];
    }

    private void check(int combo) {
        if (combo < 0 || combo >= count) {
            throw new IllegalStateException("unknown combo command id " + combo);
        }
    }
}
