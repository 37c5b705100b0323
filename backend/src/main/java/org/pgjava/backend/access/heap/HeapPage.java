package org.pgjava.backend.access.heap;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.pgjava.backend.storage.page.ItemId;
import org.pgjava.backend.storage.page.Page;
import org.pgjava.backend.utils.snapshot.TransactionIds;
import org.pgjava.backend.utils.snapshot.TransactionOracle;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * The heap's page-level operations (the page parts of PostgreSQL's heap_insert, heap_delete, heap_update,
 * heap_lock_tuple and heap_page_prune). Each changing operation is a deterministic function of the page and
 * its arguments and reads nothing else, so WAL redo ({@link HeapWalRecords}) calls exactly the same method
 * with the logged arguments and gets a byte-identical page. Decisions that depend on the world (which slot
 * is free, which transaction committed) are made first by the pure-read methods {@link #chooseInsertOffset}
 * and {@link #computePrune}, and their outcome is what gets logged.
 *
 * <p>Call sequence for an insert (the caller holds the buffer pinned and exclusively locked):
 * <pre>
 *   byte[] t = HeapTuples.form(desc, values);
 *   HeapTupleHeader.prepareInsert(MemorySegment.ofArray(t), xid, cid, false, false);
 *   int off = HeapPage.chooseInsertOffset(page, t.length);      // 0: does not fit, try another page
 *   HeapPage.insertTuple(page, block, off, t);
 *   lsn = wal.insert(HeapWalRecords.encodeInsert(...)); page.setLsn(lsn); mark buffer dirty
 * </pre>
 *
 * <p>Concurrency: every changing method requires the exclusive buffer content lock; the pure reads need at
 * least a shared one.
 */
public final class HeapPage {
    private HeapPage() {
    }

    /**
     * The offset {@link #insertTuple} should use for a tuple of {@code tupleLen} bytes: the first LP_UNUSED
     * line pointer, else a new one at the end; 0 if the page cannot take the tuple (PageGetHeapFreeSpace is
     * less than MAXALIGN(tupleLen), or the page is new). Reads only.
     */
    public static int chooseInsertOffset(Page page, int tupleLen) {
        if (page.isNew() || page.heapFreeSpace() < Page.maxAlign(tupleLen)) {
            return Page.INVALID_OFFSET;
        }
        int maxOff = page.maxOffset();
        for (int off = Page.FIRST_OFFSET; off <= maxOff; off++) {
            int id = page.itemId(off);
            if (!ItemId.isUsed(id) && !ItemId.hasStorage(id)) {
                return off;
            }
        }
        return maxOff + 1 <= Page.MAX_HEAP_TUPLES_PER_PAGE ? maxOff + 1 : Page.INVALID_OFFSET;
    }

    /**
     * Places {@code tuple} (a formed, prepared tuple) at line pointer {@code offset} of block {@code block},
     * sets its t_ctid to its own tid, sets PD_HAS_FREE_LINES exactly when an LP_UNUSED pointer remains, and
     * clears PD_ALL_VISIBLE.
     *
     * @return the tuple's tid
     * @throws PgException XX000 "failed to add tuple to page" if the offset is in use, beyond the end + 1 or
     *                     above MaxHeapTuplesPerPage, or the tuple does not fit
     */
    public static long insertTuple(Page page, long block, int offset, byte[] tuple) {
        int placed = page.addItem(tuple, offset, Page.PAI_OVERWRITE | Page.PAI_IS_HEAP);
        if (placed != offset) {
            throw PgException.error(SqlState.INTERNAL_ERROR, "failed to add tuple to page");
        }
        long tid = ItemPointer.of(block, offset);
        HeapTupleHeader.setCtid(page.getItem(offset), tid);
        page.setFlag(Page.PD_HAS_FREE_LINES, page.hasUnusedLinePointer());
        page.setFlag(Page.PD_ALL_VISIBLE, false);
        return tid;
    }

    /** The normal tuple at {@code offset}, or an XX000 error naming what is there instead. */
    private static MemorySegment normalTuple(Page page, int offset) {
        if (offset < Page.FIRST_OFFSET || offset > page.maxOffset() || !ItemId.isNormal(page.itemId(offset))) {
            throw PgException.error(SqlState.INTERNAL_ERROR, "invalid lp at offset " + offset);
        }
        return page.getItem(offset);
    }

    /** PageSetPrunable: pd_prune_xid becomes {@code xid} if unset or if {@code xid} is older. */
    private static void setPrunable(Page page, long xid) {
        long cur = page.pruneXid();
        if (cur == TransactionIds.INVALID || TransactionIds.precedes(xid, cur)) {
            page.setPruneXid(xid);
        }
    }

    /**
     * Marks the tuple at {@code offset} deleted (heap_delete) or updated (the old version in heap_update):
     * clears the xmax bits and HEAP_KEYS_UPDATED, sets xmax, t_cid = {@code rawCid} with HEAP_COMBOCID if
     * {@code comboCid} (see {@link ComboCids#cidForDelete}), HEAP_KEYS_UPDATED if {@code keysUpdated} (always
     * for DELETE), t_ctid = {@code newCtid} (the tuple's own tid for a delete, the new version's tid for an
     * update), HEAP_HOT_UPDATED as {@code hotUpdated}; makes the page prunable by xmax and clears
     * PD_ALL_VISIBLE.
     */
    public static void markDeleted(Page page, int offset, long xmax, int rawCid, boolean comboCid,
                                   boolean keysUpdated, long newCtid, boolean hotUpdated) {
        MemorySegment t = normalTuple(page, offset);
        int mask = HeapTupleHeader.infomask(t)
                & ~(HeapTupleHeader.HEAP_XMAX_BITS | HeapTupleHeader.HEAP_MOVED_OFF | HeapTupleHeader.HEAP_MOVED_IN
                    | HeapTupleHeader.HEAP_COMBOCID);
        if (comboCid) {
            mask |= HeapTupleHeader.HEAP_COMBOCID;
        }
        HeapTupleHeader.setInfomask(t, mask);
        int mask2 = HeapTupleHeader.infomask2(t) & ~(HeapTupleHeader.HEAP_KEYS_UPDATED | HeapTupleHeader.HEAP_HOT_UPDATED);
        if (keysUpdated) {
            mask2 |= HeapTupleHeader.HEAP_KEYS_UPDATED;
        }
        if (hotUpdated) {
            mask2 |= HeapTupleHeader.HEAP_HOT_UPDATED;
        }
        HeapTupleHeader.setInfomask2(t, mask2);
        HeapTupleHeader.setXmax(t, xmax);
        HeapTupleHeader.setRawCid(t, rawCid);
        HeapTupleHeader.setCtid(t, newCtid);
        setPrunable(page, xmax);
        page.setFlag(Page.PD_ALL_VISIBLE, false);
    }

    /**
     * heap_lock_tuple's page change for a tuple with no other live locker: xmax = {@code xid} with
     * HEAP_XMAX_LOCK_ONLY and {@code mode}'s strength bits (HEAP_KEYS_UPDATED for FOR UPDATE), HOT_UPDATED
     * cleared and t_ctid = {@code selfTid}. t_cid is left alone (it still holds cmin for an own-transaction
     * row). Locking a row another live transaction already locks needs a multixact, which pgjava does not
     * have: the caller waits for that locker first.
     */
    public static void lockTuple(Page page, int offset, long xid, RowLockMode mode, long selfTid) {
        MemorySegment t = normalTuple(page, offset);
        int mask = HeapTupleHeader.infomask(t)
                & ~(HeapTupleHeader.HEAP_XMAX_BITS | HeapTupleHeader.HEAP_MOVED_OFF | HeapTupleHeader.HEAP_MOVED_IN);
        mask |= HeapTupleHeader.HEAP_XMAX_LOCK_ONLY | mode.infomaskBits();
        HeapTupleHeader.setInfomask(t, mask);
        int mask2 = HeapTupleHeader.infomask2(t) & ~(HeapTupleHeader.HEAP_KEYS_UPDATED | HeapTupleHeader.HEAP_HOT_UPDATED);
        if (mode.keysUpdated()) {
            mask2 |= HeapTupleHeader.HEAP_KEYS_UPDATED;
        }
        HeapTupleHeader.setInfomask2(t, mask2);
        HeapTupleHeader.setXmax(t, xid);
        HeapTupleHeader.setCtid(t, selfTid);
    }

    // ------------------------------------------------------------------ pruning

    /**
     * heap_page_prune's decision phase: which line pointers to redirect, kill or free so that no row
     * version that any snapshot may still see is removed. A tuple is removable when
     * {@link HeapVisibility#satisfiesVacuum} says DEAD for {@code oldestXmin} (its deleter committed before
     * every running transaction's xmin, or its inserter aborted). HOT chains are followed from their root
     * line pointer: dead members are freed and the root redirected to the first surviving member, or made
     * dead when none survives. Dead roots become LP_DEAD, or LP_UNUSED when {@code noIndexes} (nothing can
     * point at them); dead heap-only tuples become LP_UNUSED. Reads only (hint bits are not set).
     */
    public static PrunePlan computePrune(Page page, long oldestXmin, TransactionOracle oracle, boolean noIndexes) {
        int maxOff = page.maxOffset();
        HintBits ignored = new HintBits();
        HtsvResult[] htsv = new HtsvResult[maxOff + 1];
        for (int off = Page.FIRST_OFFSET; off <= maxOff; off++) {
            if (ItemId.isNormal(page.itemId(off))) {
                htsv[off] = HeapVisibility.satisfiesVacuum(page.getItem(off), oldestXmin, oracle, ignored);
            }
        }
        PruneState st = new PruneState(maxOff);
        for (int off = Page.FIRST_OFFSET; off <= maxOff; off++) {
            if (st.marked[off]) {
                continue;
            }
            int id = page.itemId(off);
            if (!ItemId.isUsed(id) || ItemId.isDead(id)) {
                continue;
            }
            pruneChain(page, off, htsv, st, noIndexes);
        }
        return new PrunePlan(toArray(st.redirectFrom), toArray(st.redirectTo), toArray(st.dead), toArray(st.unused),
                st.newPruneXid);
    }

    private static final class PruneState {
        final boolean[] marked;
        final List<Integer> redirectFrom = new ArrayList<>();
        final List<Integer> redirectTo = new ArrayList<>();
        final List<Integer> dead = new ArrayList<>();
        final List<Integer> unused = new ArrayList<>();
        long newPruneXid = TransactionIds.INVALID;

        PruneState(int maxOff) {
            marked = new boolean[maxOff + 1];
        }

        void prunable(long xid) {
            if (newPruneXid == TransactionIds.INVALID || TransactionIds.precedes(xid, newPruneXid)) {
                newPruneXid = xid;
            }
        }

        void redirect(int from, int to) {
            redirectFrom.add(from);
            redirectTo.add(to);
            marked[from] = true;
        }

        void dead(int off, boolean noIndexes) {
            (noIndexes ? unused : dead).add(off);
            marked[off] = true;
        }

        void unused(int off) {
            unused.add(off);
            marked[off] = true;
        }
    }

    private static int[] toArray(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    /** heap_prune_chain: prunes the HOT chain starting at {@code root}. */
    private static void pruneChain(Page page, int root, HtsvResult[] htsv, PruneState st, boolean noIndexes) {
        int maxOff = page.maxOffset();
        int rootId = page.itemId(root);
        if (ItemId.isNormal(rootId)) {
            MemorySegment t = page.getItem(root);
            if (HeapTupleHeader.isHeapOnly(t)) {
                // reached only through its chain's root; a dead one no chain leads to (its updater aborted,
                // or its root is gone) can be freed now
                if (htsv[root] == HtsvResult.DEAD && !HeapTupleHeader.isHotUpdated(t)) {
                    st.unused(root);
                }
                return;
            }
        }
        List<Integer> chain = new ArrayList<>();
        int latestDead = Page.INVALID_OFFSET;
        long priorXmax = TransactionIds.INVALID;
        int off = root;
        while (off >= Page.FIRST_OFFSET && off <= maxOff && !st.marked[off]) {
            int id = page.itemId(off);
            if (!ItemId.isUsed(id)) {
                break;
            }
            if (ItemId.isRedirected(id)) {
                if (!chain.isEmpty()) {
                    break; // a redirect can only be a chain's root
                }
                chain.add(off);
                off = ItemId.redirect(id);
                continue;
            }
            if (ItemId.isDead(id)) {
                break;
            }
            MemorySegment t = page.getItem(off);
            if (priorXmax != TransactionIds.INVALID && HeapTupleHeader.xmin(t) != priorXmax) {
                break;
            }
            chain.add(off);
            boolean tupDead = false;
            boolean recentDead = false;
            switch (htsv[off]) {
                case DEAD -> tupDead = true;
                case RECENTLY_DEAD -> {
                    recentDead = true;
                    st.prunable(HeapTupleHeader.xmax(t));
                }
                case DELETE_IN_PROGRESS -> st.prunable(HeapTupleHeader.xmax(t));
                default -> {
                }
            }
            if (tupDead) {
                latestDead = off;
            } else if (!recentDead) {
                break;
            }
            if (!HeapTupleHeader.isHotUpdated(t)) {
                break;
            }
            off = ItemPointer.offset(HeapTupleHeader.ctid(t));
            priorXmax = HeapTupleHeader.xmax(t);
        }
        int n = chain.size();
        if (latestDead != Page.INVALID_OFFSET) {
            int i = 1;
            while (i < n && chain.get(i - 1) != latestDead) {
                st.unused(chain.get(i));
                i++;
            }
            if (i >= n) {
                st.dead(root, noIndexes);
            } else {
                st.redirect(root, chain.get(i));
            }
        } else if (n < 2 && ItemId.isRedirected(rootId)) {
            st.dead(root, noIndexes); // a redirect whose chain is gone
        }
    }

    /**
     * heap_page_prune_execute + PageRepairFragmentation: applies {@code plan} (redirects, then dead, then
     * unused line pointers), compacts the page, sets pd_prune_xid to the plan's and clears PD_PAGE_FULL.
     * Deterministic: redo calls it with the logged plan.
     */
    public static void executePrune(Page page, PrunePlan plan) {
        int[] from = plan.redirectFrom();
        int[] to = plan.redirectTo();
        for (int i = 0; i < from.length; i++) {
            page.setItemRedirect(from[i], to[i]);
        }
        for (int off : plan.nowDead()) {
            page.setItemDead(off);
        }
        for (int off : plan.nowUnused()) {
            page.setItemUnused(off);
        }
        page.repairFragmentation();
        page.setPruneXid(plan.newPruneXid());
        page.setFlag(Page.PD_PAGE_FULL, false);
    }

    /**
     * True if pruning may find something (heap_page_prune_opt's first test): pd_prune_xid is set and
     * precedes {@code oldestXmin}.
     */
    public static boolean mayPrune(Page page, long oldestXmin) {
        long x = page.pruneXid();
        return x != TransactionIds.INVALID && TransactionIds.precedes(x, oldestXmin);
    }
}
