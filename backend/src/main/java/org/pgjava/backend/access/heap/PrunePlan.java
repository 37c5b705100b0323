package org.pgjava.backend.access.heap;

import java.util.Arrays;

/**
 * What pruning one heap page changes, computed by {@link HeapPage#computePrune} and carried out by
 * {@link HeapPage#executePrune} (the first execution and WAL redo call the same method with the same plan).
 *
 * @param redirectFrom line pointers that become LP_REDIRECT ...
 * @param redirectTo   ... to these offsets (same length)
 * @param nowDead      line pointers that become LP_DEAD (index entries may still point at them)
 * @param nowUnused    line pointers that become LP_UNUSED (reusable at once)
 * @param newPruneXid  the page's pd_prune_xid afterwards: the oldest xmax of a tuple that is not yet
 *                     prunable, 0 if none
 */
public record PrunePlan(int[] redirectFrom, int[] redirectTo, int[] nowDead, int[] nowUnused, long newPruneXid) {
    public PrunePlan {
        if (redirectFrom.length != redirectTo.length) {
            throw new IllegalArgumentException("redirect arrays differ in length");
        }
        redirectFrom = redirectFrom.clone();
        redirectTo = redirectTo.clone();
        nowDead = nowDead.clone();
        nowUnused = nowUnused.clone();
    }

    /** True if the plan changes no line pointer (only pd_prune_xid, which may be set as a hint). */
    public boolean isEmpty() {
        return redirectFrom.length == 0 && nowDead.length == 0 && nowUnused.length == 0;
    }

    @Override
    public int[] redirectFrom() {
        return redirectFrom.clone();
    }

    @Override
    public int[] redirectTo() {
        return redirectTo.clone();
    }

    @Override
    public int[] nowDead() {
        return nowDead.clone();
    }

    @Override
    public int[] nowUnused() {
        return nowUnused.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PrunePlan p && Arrays.equals(p.redirectFrom, redirectFrom)
                && Arrays.equals(p.redirectTo, redirectTo) && Arrays.equals(p.nowDead, nowDead)
                && Arrays.equals(p.nowUnused, nowUnused) && p.newPruneXid == newPruneXid;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(redirectFrom) + 31 * Arrays.hashCode(nowDead) + 17 * Arrays.hashCode(nowUnused)
                + Long.hashCode(newPruneXid);
    }

    @Override
    public String toString() {
        return "PrunePlan[redirect=" + Arrays.toString(redirectFrom) + "->" + Arrays.toString(redirectTo)
                + ", dead=" + Arrays.toString(nowDead) + ", unused=" + Arrays.toString(nowUnused)
                + ", newPruneXid=" + newPruneXid + "]";
    }
}
