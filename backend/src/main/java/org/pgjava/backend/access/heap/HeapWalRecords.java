package org.pgjava.backend.access.heap;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.pgjava.backend.storage.page.Page;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * The heap's WAL payloads (PostgreSQL's rmgr "Heap" and the prune record of "Heap2"): encoding, decoding,
 * and redo. Every record carries exactly the arguments of the {@link HeapPage} operation it describes, and
 * {@link HeapWalRecord#apply} calls that operation; the first execution should call {@code apply} too (or
 * the same HeapPage method with the same arguments), so redo reproduces the page byte for byte.
 *
 * <p>Entry points: the record types {@link Insert}, {@link Delete}, {@link Update}, {@link Lock},
 * {@link Prune}; {@link HeapWalRecord#encode}; {@link #decode(int, int, byte[])}.
 *
 * <p>What a record does not carry: the relation (RelFileLocator, fork) and the LSN — those are in the WAL
 * record header and its block references, which the WAL module writes. Redo must skip a page whose LSN is
 * already at or past the record's (PostgreSQL's BLK_DONE) and set the page LSN after {@code apply}.
 *
 * <p><b>Payload layouts</b> (little-endian; u16/u32 unsigned):
 * <pre>
 * INSERT  rmgr heap, info 0x00 (| 0x80 INIT_PAGE: initialise the page first)
 *   0  u32 block   4  u16 offset   6  u32 n   10  n bytes: the whole tuple (header with xmin/cid/infomask)
 * DELETE  rmgr heap, info 0x10
 *   0  u32 block   4  u16 offset   6  u32 xmax   10  u32 raw t_cid   14  u8 flags (1 combo cid, 2 keys updated)
 * UPDATE  rmgr heap, info 0x20, or 0x40 for a HOT update (same block); | 0x80 INIT_PAGE for the new page
 *   0  u32 old block   4  u16 old offset   6  u32 new block   10 u16 new offset   12 u32 xmax
 *   16 u32 raw t_cid   20 u8 flags (1 combo cid, 2 keys updated)   21 u32 n   25 n bytes: the new tuple
 * LOCK    rmgr heap, info 0x60
 *   0  u32 block   4  u16 offset   6  u32 locking xid   10 u8 RowLockMode ordinal
 * PRUNE   rmgr heap2, info 0x10
 *   0  u32 block   4  u32 new pd_prune_xid   8  u16 nredirected   10 u16 ndead   12 u16 nunused
 *   14 nredirected × (u16 from, u16 to), then ndead × u16, then nunused × u16
 * </pre>
 */
public final class HeapWalRecords {
    private HeapWalRecords() {
    }

    /** Resource manager of heap records (PostgreSQL's RM_HEAP_ID). */
    public static final int RM_HEAP = 10;
    /** Resource manager of the prune record (PostgreSQL's RM_HEAP2_ID). */
    public static final int RM_HEAP2 = 9;

    public static final int XLOG_HEAP_INSERT = 0x00;
    public static final int XLOG_HEAP_DELETE = 0x10;
    public static final int XLOG_HEAP_UPDATE = 0x20;
    public static final int XLOG_HEAP_HOT_UPDATE = 0x40;
    public static final int XLOG_HEAP_LOCK = 0x60;
    public static final int XLOG_HEAP_OPMASK = 0x70;
    /** Flag on INSERT / UPDATE: the (new) page is initialised before the tuple is placed. */
    public static final int XLOG_HEAP_INIT_PAGE = 0x80;
    /** Heap2 info code of {@link Prune}. */
    public static final int XLOG_HEAP2_PRUNE = 0x10;

    private static final int FLAG_COMBO = 1;
    private static final int FLAG_KEYS_UPDATED = 2;

    /** A decoded heap WAL payload. */
    public sealed interface HeapWalRecord permits Insert, Delete, Update, Lock, Prune {
        /** The resource manager id ({@link #RM_HEAP} or {@link #RM_HEAP2}). */
        int rmgr();

        /** The info byte's rmgr bits (operation and flags). */
        int info();

        /** The payload bytes (layouts in {@link HeapWalRecords}). */
        byte[] encode();

        /**
         * Redo on {@code page}, the page of the record's block (for an {@link Update} whose old and new
         * blocks differ, use {@link Update#applyToOldPage} and {@link Update#applyToNewPage}).
         */
        void apply(Page page);
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int flags(boolean combo, boolean keysUpdated) {
        return (combo ? FLAG_COMBO : 0) | (keysUpdated ? FLAG_KEYS_UPDATED : 0);
    }

    /**
     * Insert of {@code tuple} at ({@code block}, {@code offset}); {@code initPage} for the first tuple on a
     * freshly extended page.
     */
    public record Insert(long block, int offset, boolean initPage, byte[] tuple) implements HeapWalRecord {
        public Insert {
            tuple = tuple.clone();
        }

        @Override
        public byte[] tuple() {
            return tuple.clone();
        }

        @Override
        public int rmgr() {
            return RM_HEAP;
        }

        @Override
        public int info() {
            return XLOG_HEAP_INSERT | (initPage ? XLOG_HEAP_INIT_PAGE : 0);
        }

        @Override
        public byte[] encode() {
            return buffer(10 + tuple.length).putInt((int) block).putShort((short) offset).putInt(tuple.length)
                    .put(tuple).array();
        }

        /** Initialises the page if asked, then {@link HeapPage#insertTuple}. */
        @Override
        public void apply(Page page) {
            if (initPage) {
                page.init(0);
            }
            HeapPage.insertTuple(page, block, offset, tuple);
        }
    }

    /** Delete of ({@code block}, {@code offset}) by {@code xmax}: {@link HeapPage#markDeleted} with ctid = self. */
    public record Delete(long block, int offset, long xmax, int rawCid, boolean comboCid, boolean keysUpdated)
            implements HeapWalRecord {
        @Override
        public int rmgr() {
            return RM_HEAP;
        }

        @Override
        public int info() {
            return XLOG_HEAP_DELETE;
        }

        @Override
        public byte[] encode() {
            return buffer(15).putInt((int) block).putShort((short) offset).putInt((int) xmax).putInt(rawCid)
                    .put((byte) flags(comboCid, keysUpdated)).array();
        }

        @Override
        public void apply(Page page) {
            HeapPage.markDeleted(page, offset, xmax, rawCid, comboCid, keysUpdated, ItemPointer.of(block, offset),
                    false);
        }
    }

    /**
     * Update of ({@code oldBlock}, {@code oldOffset}) to {@code newTuple} at ({@code newBlock},
     * {@code newOffset}); {@code hot} (same block only) marks the old version HOT-updated (the new tuple
     * carries HEAP_ONLY_TUPLE in its own header); {@code initNewPage} initialises the new page first.
     */
    public record Update(long oldBlock, int oldOffset, long newBlock, int newOffset, long xmax, int rawCid,
                         boolean comboCid, boolean keysUpdated, boolean hot, boolean initNewPage, byte[] newTuple)
            implements HeapWalRecord {
        public Update {
            if (hot && oldBlock != newBlock) {
                throw new IllegalArgumentException("a HOT update stays on one page");
            }
            if (initNewPage && oldBlock == newBlock) {
                throw new IllegalArgumentException("cannot initialise the page holding the old version");
            }
            newTuple = newTuple.clone();
        }

        @Override
        public byte[] newTuple() {
            return newTuple.clone();
        }

        /** True if both versions are on one page. */
        public boolean samePage() {
            return oldBlock == newBlock;
        }

        @Override
        public int rmgr() {
            return RM_HEAP;
        }

        @Override
        public int info() {
            return (hot ? XLOG_HEAP_HOT_UPDATE : XLOG_HEAP_UPDATE) | (initNewPage ? XLOG_HEAP_INIT_PAGE : 0);
        }

        @Override
        public byte[] encode() {
            return buffer(25 + newTuple.length).putInt((int) oldBlock).putShort((short) oldOffset)
                    .putInt((int) newBlock).putShort((short) newOffset).putInt((int) xmax).putInt(rawCid)
                    .put((byte) flags(comboCid, keysUpdated)).putInt(newTuple.length).put(newTuple).array();
        }

        /** The old version's page change: {@link HeapPage#markDeleted} with ctid = the new tid. */
        public void applyToOldPage(Page page) {
            HeapPage.markDeleted(page, oldOffset, xmax, rawCid, comboCid, keysUpdated,
                    ItemPointer.of(newBlock, newOffset), hot);
        }

        /** The new version's page change: init if asked, then {@link HeapPage#insertTuple}. */
        public void applyToNewPage(Page page) {
            if (initNewPage) {
                page.init(0);
            }
            HeapPage.insertTuple(page, newBlock, newOffset, newTuple);
        }

        /**
         * Both changes on one page.
         *
         * @throws IllegalStateException if the versions are on different pages
         */
        @Override
        public void apply(Page page) {
            if (!samePage()) {
                throw new IllegalStateException("update across pages: use applyToOldPage and applyToNewPage");
            }
            applyToNewPage(page);
            applyToOldPage(page);
        }
    }

    /** Row lock of ({@code block}, {@code offset}) by {@code xid}: {@link HeapPage#lockTuple}. */
    public record Lock(long block, int offset, long xid, RowLockMode mode) implements HeapWalRecord {
        @Override
        public int rmgr() {
            return RM_HEAP;
        }

        @Override
        public int info() {
            return XLOG_HEAP_LOCK;
        }

        @Override
        public byte[] encode() {
            return buffer(11).putInt((int) block).putShort((short) offset).putInt((int) xid)
                    .put((byte) mode.ordinal()).array();
        }

        @Override
        public void apply(Page page) {
            HeapPage.lockTuple(page, offset, xid, mode, ItemPointer.of(block, offset));
        }
    }

    /** Pruning of {@code block}: {@link HeapPage#executePrune} with {@code plan}. */
    public record Prune(long block, PrunePlan plan) implements HeapWalRecord {
        @Override
        public int rmgr() {
            return RM_HEAP2;
        }

        @Override
        public int info() {
            return XLOG_HEAP2_PRUNE;
        }

        @Override
        public byte[] encode() {
            int[] from = plan.redirectFrom();
            int[] to = plan.redirectTo();
            int[] dead = plan.nowDead();
            int[] unused = plan.nowUnused();
            ByteBuffer b = buffer(14 + 4 * from.length + 2 * dead.length + 2 * unused.length);
            b.putInt((int) block).putInt((int) plan.newPruneXid()).putShort((short) from.length)
                    .putShort((short) dead.length).putShort((short) unused.length);
            for (int i = 0; i < from.length; i++) {
                b.putShort((short) from[i]).putShort((short) to[i]);
            }
            for (int d : dead) {
                b.putShort((short) d);
            }
            for (int u : unused) {
                b.putShort((short) u);
            }
            return b.array();
        }

        @Override
        public void apply(Page page) {
            HeapPage.executePrune(page, plan);
        }
    }

    /**
     * Decodes a payload written by {@link HeapWalRecord#encode}.
     *
     * @param rmgr {@link #RM_HEAP} or {@link #RM_HEAP2}
     * @param info the record's info byte (only the rmgr bits, 0xF0, are looked at)
     * @throws PgException XX001 for an unknown info code or a truncated / overlong payload
     */
    public static HeapWalRecord decode(int rmgr, int info, byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        try {
            HeapWalRecord r = switch (rmgr) {
                case RM_HEAP -> decodeHeap(info & 0xF0, b);
                case RM_HEAP2 -> {
                    if ((info & 0xF0) != XLOG_HEAP2_PRUNE) {
                        throw badRecord("unknown heap2 info code 0x" + Integer.toHexString(info & 0xF0));
                    }
                    long block = b.getInt() & 0xFFFF_FFFFL;
                    long pruneXid = b.getInt() & 0xFFFF_FFFFL;
                    int nRedirect = b.getShort() & 0xFFFF;
                    int nDead = b.getShort() & 0xFFFF;
                    int nUnused = b.getShort() & 0xFFFF;
                    int[] from = new int[nRedirect];
                    int[] to = new int[nRedirect];
                    for (int i = 0; i < nRedirect; i++) {
                        from[i] = b.getShort() & 0xFFFF;
                        to[i] = b.getShort() & 0xFFFF;
                    }
                    int[] dead = new int[nDead];
                    for (int i = 0; i < nDead; i++) {
                        dead[i] = b.getShort() & 0xFFFF;
                    }
                    int[] unused = new int[nUnused];
                    for (int i = 0; i < nUnused; i++) {
                        unused[i] = b.getShort() & 0xFFFF;
                    }
                    yield new Prune(block, new PrunePlan(from, to, dead, unused, pruneXid));
                }
                default -> throw badRecord("unknown resource manager " + rmgr);
            };
            if (b.hasRemaining()) {
                throw badRecord("trailing bytes in heap WAL record");
            }
            return r;
        } catch (BufferUnderflowException | NegativeArraySizeException | IllegalArgumentException e) {
            throw badRecord("truncated heap WAL record");
        }
    }

    private static HeapWalRecord decodeHeap(int info, ByteBuffer b) {
        boolean init = (info & XLOG_HEAP_INIT_PAGE) != 0;
        int op = info & XLOG_HEAP_OPMASK;
        switch (op) {
            case XLOG_HEAP_INSERT: {
                long block = b.getInt() & 0xFFFF_FFFFL;
                int offset = b.getShort() & 0xFFFF;
                byte[] t = tupleBytes(b);
                return new Insert(block, offset, init, t);
            }
            case XLOG_HEAP_DELETE: {
                long block = b.getInt() & 0xFFFF_FFFFL;
                int offset = b.getShort() & 0xFFFF;
                long xmax = b.getInt() & 0xFFFF_FFFFL;
                int cid = b.getInt();
                int f = b.get();
                return new Delete(block, offset, xmax, cid, (f & FLAG_COMBO) != 0, (f & FLAG_KEYS_UPDATED) != 0);
            }
            case XLOG_HEAP_UPDATE, XLOG_HEAP_HOT_UPDATE: {
                long oldBlock = b.getInt() & 0xFFFF_FFFFL;
                int oldOffset = b.getShort() & 0xFFFF;
                long newBlock = b.getInt() & 0xFFFF_FFFFL;
                int newOffset = b.getShort() & 0xFFFF;
                long xmax = b.getInt() & 0xFFFF_FFFFL;
                int cid = b.getInt();
                int f = b.get();
                byte[] t = tupleBytes(b);
                return new Update(oldBlock, oldOffset, newBlock, newOffset, xmax, cid, (f & FLAG_COMBO) != 0,
                        (f & FLAG_KEYS_UPDATED) != 0, op == XLOG_HEAP_HOT_UPDATE, init, t);
            }
            case XLOG_HEAP_LOCK: {
                long block = b.getInt() & 0xFFFF_FFFFL;
                int offset = b.getShort() & 0xFFFF;
                long xid = b.getInt() & 0xFFFF_FFFFL;
                int mode = b.get();
                RowLockMode[] modes = RowLockMode.values();
                if (mode < 0 || mode >= modes.length) {
                    throw badRecord("invalid row lock mode " + mode);
                }
                return new Lock(block, offset, xid, modes[mode]);
            }
            default:
                throw badRecord("unknown heap info code 0x" + Integer.toHexString(info));
        }
    }

    private static byte[] tupleBytes(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] t = new byte[n];
        b.get(t);
        return t;
    }

    private static PgException badRecord(String what) {
        return PgException.error(SqlState.DATA_CORRUPTED, what);
    }
}
