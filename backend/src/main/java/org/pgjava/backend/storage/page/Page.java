package org.pgjava.backend.storage.page;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;

/**
 * A slotted 8 KiB page, PostgreSQL's bufpage.c: a view over a {@link MemorySegment} of exactly
 * {@link #SIZE} bytes (a buffer frame in shared memory, or a byte array read from a relation file). The
 * view holds no state of its own; every method reads or writes the segment.
 *
 * <p>Entry points: {@link #init}, {@link #isNew}, {@link #verify}, {@link #addItem}, {@link #itemId},
 * {@link #getItem}, {@link #heapFreeSpace}, {@link #setItemDead}, {@link #setItemUnused},
 * {@link #repairFragmentation}; static {@link #lsn(MemorySegment)} / {@link #setLsn} for the buffer manager
 * and WAL.
 *
 * <p><b>On-disk / shared-memory layout</b> (native byte order, as PostgreSQL):
 * <pre>
 * offset size field
 *  0     4    pd_lsn.xlogid     high 32 bits of the LSN of the last WAL record that changed the page
 *  4     4    pd_lsn.xrecoff    low 32 bits of that LSN
 *  8     2    pd_checksum       0 (checksums are not computed)
 * 10     2    pd_flags          PD_HAS_FREE_LINES 0x1, PD_PAGE_FULL 0x2, PD_ALL_VISIBLE 0x4
 * 12     2    pd_lower          end of the line pointer array (first free byte)
 * 14     2    pd_upper          start of tuple space (last free byte + 1)
 * 16     2    pd_special        start of the special space (= 8192 for heap pages)
 * 18     2    pd_pagesize_version  8192 | 4 (layout version 4)
 * 20     4    pd_prune_xid      oldest xmax on the page that is not yet prunable, 0 if none
 * 24     4*n  line pointers 1..n; each a 32-bit word: lp_off bits 0-14, lp_flags bits 15-16,
 *             lp_len bits 17-31 (PostgreSQL's ItemIdData bit-field on a little-endian machine)
 * ...         free space between pd_lower and pd_upper
 * pd_upper    item storage, items MAXALIGNed (8), growing downward
 * pd_special  special space (size given to {@link #init})
 * </pre>
 * A page whose bytes are all zero is a valid "new" page (a relation extended but not yet initialised).
 *
 * <p><b>Concurrency</b>: the view does no locking. Callers hold the buffer's content lock: exclusive to
 * change anything but hint bits, shared to read.
 */
public final class Page {
    /** BLCKSZ. */
    public static final int SIZE = 8192;
    /** SizeOfPageHeaderData. */
    public static final int HEADER_SIZE = 24;
    /** sizeof(ItemIdData). */
    public static final int ITEM_ID_SIZE = 4;
    /** PG_PAGE_LAYOUT_VERSION. */
    public static final int LAYOUT_VERSION = 4;
    /** MAXIMUM_ALIGNOF. */
    public static final int MAXALIGN = 8;

    /** pd_flags: there are (or may be) LP_UNUSED line pointers before pd_lower. */
    public static final int PD_HAS_FREE_LINES = 0x0001;
    /** pd_flags: an UPDATE found no room on the page (a hint to prune). */
    public static final int PD_PAGE_FULL = 0x0002;
    /** pd_flags: every tuple on the page is visible to everyone. */
    public static final int PD_ALL_VISIBLE = 0x0004;
    /** All flag bits a valid page may have. */
    public static final int PD_VALID_FLAG_BITS = 0x0007;

    /** Line pointer flags (lp_flags). */
    public static final int LP_UNUSED = 0;
    public static final int LP_NORMAL = 1;
    public static final int LP_REDIRECT = 2;
    public static final int LP_DEAD = 3;

    /** InvalidOffsetNumber: "no offset" / "choose the first free one". */
    public static final int INVALID_OFFSET = 0;
    /** FirstOffsetNumber. */
    public static final int FIRST_OFFSET = 1;

    /** PageAddItemExtended flag: place the item at the given offset, which must be unused. */
    public static final int PAI_OVERWRITE = 1;
    /** PageAddItemExtended flag: this is a heap page (at most MaxHeapTuplesPerPage items). */
    public static final int PAI_IS_HEAP = 2;

    /** MaxHeapTuplesPerPage: (8192 - 24) / (MAXALIGN(23) + 4) = 291. */
    public static final int MAX_HEAP_TUPLES_PER_PAGE = (SIZE - HEADER_SIZE) / (maxAlign(23) + ITEM_ID_SIZE);

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());

    private static final long OFF_XLOGID = 0;
    private static final long OFF_XRECOFF = 4;
    private static final long OFF_CHECKSUM = 8;
    private static final long OFF_FLAGS = 10;
    private static final long OFF_LOWER = 12;
    private static final long OFF_UPPER = 14;
    private static final long OFF_SPECIAL = 16;
    private static final long OFF_PAGESIZE_VERSION = 18;
    private static final long OFF_PRUNE_XID = 20;

    private final MemorySegment segment;

    /**
     * A view over {@code segment}.
     *
     * @throws IllegalArgumentException unless the segment is exactly {@link #SIZE} bytes
     */
    public Page(MemorySegment segment) {
        if (segment.byteSize() != SIZE) {
            throw new IllegalArgumentException("a page is " + SIZE + " bytes, got " + segment.byteSize());
        }
        this.segment = segment;
    }

    /** A page over a fresh zeroed heap array (tests, scratch pages). */
    public static Page allocate() {
        return new Page(MemorySegment.ofArray(new byte[SIZE]));
    }

    /** The segment this view reads and writes. */
    public MemorySegment segment() {
        return segment;
    }

    /** x rounded up to a multiple of {@link #MAXALIGN}. */
    public static int maxAlign(int x) {
        return (x + MAXALIGN - 1) & ~(MAXALIGN - 1);
    }

    // ------------------------------------------------------------------ LSN (static: used on raw frames)

    /** The page LSN stored at bytes 0..7 of {@code page} (xlogid = high half, xrecoff = low half). */
    public static long lsn(MemorySegment page) {
        long hi = page.get(INT, OFF_XLOGID) & 0xFFFF_FFFFL;
        long lo = page.get(INT, OFF_XRECOFF) & 0xFFFF_FFFFL;
        return (hi << 32) | lo;
    }

    /** Stores {@code lsn} at bytes 0..7 of {@code page} in PostgreSQL's two-half form. */
    public static void setLsn(MemorySegment page, long lsn) {
        page.set(INT, OFF_XLOGID, (int) (lsn >>> 32));
        page.set(INT, OFF_XRECOFF, (int) lsn);
    }

    public long lsn() {
        return lsn(segment);
    }

    public void setLsn(long lsn) {
        setLsn(segment, lsn);
    }

    // ------------------------------------------------------------------ header fields

    public int flags() {
        return segment.get(SHORT, OFF_FLAGS) & 0xFFFF;
    }

    public void setFlags(int flags) {
        segment.set(SHORT, OFF_FLAGS, (short) flags);
    }

    public boolean hasFlag(int flag) {
        return (flags() & flag) != 0;
    }

    /** Sets ({@code on}) or clears one pd_flags bit. */
    public void setFlag(int flag, boolean on) {
        setFlags(on ? flags() | flag : flags() & ~flag);
    }

    public int lower() {
        return segment.get(SHORT, OFF_LOWER) & 0xFFFF;
    }

    public int upper() {
        return segment.get(SHORT, OFF_UPPER) & 0xFFFF;
    }

    public int special() {
        return segment.get(SHORT, OFF_SPECIAL) & 0xFFFF;
    }

    private void setLower(int v) {
        segment.set(SHORT, OFF_LOWER, (short) v);
    }

    private void setUpper(int v) {
        segment.set(SHORT, OFF_UPPER, (short) v);
    }

    public int checksum() {
        return segment.get(SHORT, OFF_CHECKSUM) & 0xFFFF;
    }

    public int pageSizeVersion() {
        return segment.get(SHORT, OFF_PAGESIZE_VERSION) & 0xFFFF;
    }

    /** pd_prune_xid as an unsigned 32-bit xid. */
    public long pruneXid() {
        return segment.get(INT, OFF_PRUNE_XID) & 0xFFFF_FFFFL;
    }

    public void setPruneXid(long xid) {
        segment.set(INT, OFF_PRUNE_XID, (int) xid);
    }

    // ------------------------------------------------------------------ init / verify

    /**
     * PageInit: zeroes the page and writes an empty header with {@code specialSize} (rounded up to MAXALIGN)
     * bytes of special space. The LSN becomes 0; the caller sets it after logging.
     */
    public void init(int specialSize) {
        int special = maxAlign(specialSize);
        if (special < 0 || special > SIZE - HEADER_SIZE) {
            throw new IllegalArgumentException("special size " + specialSize);
        }
        segment.fill((byte) 0);
        setLower(HEADER_SIZE);
        setUpper(SIZE - special);
        segment.set(SHORT, OFF_SPECIAL, (short) (SIZE - special));
        segment.set(SHORT, OFF_PAGESIZE_VERSION, (short) (SIZE | LAYOUT_VERSION));
    }

    /** PageIsNew: pd_upper is 0, i.e. the page was never initialised. */
    public boolean isNew() {
        return upper() == 0;
    }

    /**
     * PageIsVerified without checksums: true if the header is sane (no unknown flags, pd_lower &lt;=
     * pd_upper &lt;= pd_special &lt;= 8192, pd_special MAXALIGNed, pd_lower at least the header size), or
     * the page is new and entirely zero.
     */
    public boolean isVerified() {
        if (!isNew()) {
            int lower = lower();
            int upper = upper();
            int special = special();
            return (flags() & ~PD_VALID_FLAG_BITS) == 0
                    && lower >= HEADER_SIZE && lower <= upper && upper <= special && special <= SIZE
                    && special == maxAlign(special)
                    && pageSizeVersion() == (SIZE | LAYOUT_VERSION);
        }
        for (long i = 0; i < SIZE; i += 8) {
            if (segment.get(ValueLayout.JAVA_LONG_UNALIGNED, i) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks a page just read from disk (PostgreSQL's ReadBuffer_common + PageIsVerified).
     *
     * @throws PgException XX001 "invalid page in block %u of relation %s" if {@link #isVerified} is false
     */
    public void verify(long blockNumber, String relationName) {
        if (!isVerified()) {
            throw PgException.error(SqlState.DATA_CORRUPTED,
                    "invalid page in block " + Long.toUnsignedString(blockNumber & 0xFFFF_FFFFL)
                            + " of relation " + relationName);
        }
    }

    // ------------------------------------------------------------------ line pointers

    /** PageGetMaxOffsetNumber: number of line pointers (0 for an empty or new page). */
    public int maxOffset() {
        int lower = lower();
        return lower <= HEADER_SIZE ? 0 : (lower - HEADER_SIZE) / ITEM_ID_SIZE;
    }

    private static long itemIdPos(int offset) {
        return HEADER_SIZE + (long) (offset - 1) * ITEM_ID_SIZE;
    }

    /** The raw 32-bit line pointer {@code offset} (1-based); decode with {@link ItemId}. */
    public int itemId(int offset) {
        checkOffset(offset);
        return segment.get(INT, itemIdPos(offset));
    }

    /** Overwrites line pointer {@code offset} with a raw word built by {@link ItemId#make}. */
    public void setItemId(int offset, int itemId) {
        checkOffset(offset);
        segment.set(INT, itemIdPos(offset), itemId);
    }

    private void checkOffset(int offset) {
        if (offset < FIRST_OFFSET || offset > maxOffset()) {
            throw new IndexOutOfBoundsException("offset " + offset + " of " + maxOffset());
        }
    }

    /**
     * PageGetItem: the storage of line pointer {@code offset} as a slice of the page (a live view, writes go
     * to the page).
     *
     * @throws IllegalStateException if the line pointer has no storage (unused, dead or redirect)
     */
    public MemorySegment getItem(int offset) {
        int id = itemId(offset);
        if (!ItemId.hasStorage(id)) {
            throw new IllegalStateException("line pointer " + offset + " has no storage");
        }
        return segment.asSlice(ItemId.offset(id), ItemId.length(id));
    }

    /** ItemIdSetDead: line pointer {@code offset} becomes LP_DEAD without storage. */
    public void setItemDead(int offset) {
        setItemId(offset, ItemId.make(0, LP_DEAD, 0));
    }

    /** ItemIdSetUnused: line pointer {@code offset} becomes LP_UNUSED (reusable by {@link #addItem}). */
    public void setItemUnused(int offset) {
        setItemId(offset, ItemId.make(0, LP_UNUSED, 0));
    }

    /** ItemIdSetRedirect: line pointer {@code offset} points at line pointer {@code target} of this page. */
    public void setItemRedirect(int offset, int target) {
        setItemId(offset, ItemId.make(target, LP_REDIRECT, 0));
    }

    // ------------------------------------------------------------------ free space

    /** PageGetFreeSpace: bytes between pd_lower and pd_upper minus one line pointer, never negative. */
    public int freeSpace() {
        int space = upper() - lower();
        return space < ITEM_ID_SIZE ? 0 : space - ITEM_ID_SIZE;
    }

    /** PageGetExactFreeSpace: pd_upper - pd_lower, never negative. */
    public int exactFreeSpace() {
        return Math.max(0, upper() - lower());
    }

    /**
     * PageGetHeapFreeSpace: {@link #freeSpace()}, except 0 when the page already has
     * {@link #MAX_HEAP_TUPLES_PER_PAGE} line pointers and none of them is LP_UNUSED.
     */
    public int heapFreeSpace() {
        int space = freeSpace();
        if (space > 0) {
            int nline = maxOffset();
            if (nline >= MAX_HEAP_TUPLES_PER_PAGE) {
                if (hasFlag(PD_HAS_FREE_LINES)) {
                    int off = FIRST_OFFSET;
                    while (off <= nline && ItemId.isUsed(itemId(off))) {
                        off++;
                    }
                    if (off > nline) {
                        space = 0;
                    }
                } else {
                    space = 0;
                }
            }
        }
        return space;
    }

    // ------------------------------------------------------------------ add item

    /**
     * PageAddItemExtended: copies {@code item} into the page and returns its offset number, or
     * {@link #INVALID_OFFSET} if it does not fit or the placement is not allowed.
     *
     * <p>With {@code offsetNumber} = {@link #INVALID_OFFSET} the first LP_UNUSED line pointer is reused when
     * PD_HAS_FREE_LINES is set (the flag is cleared if none is found), else a new line pointer is appended.
     * With an explicit offset and {@link #PAI_OVERWRITE}, the line pointer at that offset must be unused and
     * storage-less (or the offset is one past the end); without PAI_OVERWRITE the later line pointers are
     * shifted up by one. An offset more than one past the end is refused, and with {@link #PAI_IS_HEAP} an
     * offset above {@link #MAX_HEAP_TUPLES_PER_PAGE}.
     *
     * @throws PgException (PANIC, XX001) "corrupted page pointers" if the header is inconsistent
     */
    public int addItem(MemorySegment item, int offsetNumber, int flags) {
        int size = Math.toIntExact(item.byteSize());
        int lower0 = lower();
        int upper0 = upper();
        int special = special();
        if (lower0 < HEADER_SIZE || lower0 > upper0 || upper0 > special || special > SIZE) {
            throw new PgException(Severity.PANIC, SqlState.DATA_CORRUPTED, "corrupted page pointers: lower = "
                    + lower0 + ", upper = " + upper0 + ", special = " + special);
        }
        int limit = maxOffset() + 1;
        boolean needShuffle = false;
        if (offsetNumber != INVALID_OFFSET) {
            if (offsetNumber < FIRST_OFFSET) {
                return INVALID_OFFSET;
            }
            if ((flags & PAI_OVERWRITE) != 0) {
                if (offsetNumber < limit) {
                    int id = itemId(offsetNumber);
                    if (ItemId.isUsed(id) || ItemId.hasStorage(id)) {
                        return INVALID_OFFSET; // "will not overwrite a used ItemId"
                    }
                }
            } else if (offsetNumber < limit) {
                needShuffle = true;
            }
        } else if (hasFlag(PD_HAS_FREE_LINES)) {
            offsetNumber = FIRST_OFFSET;
            while (offsetNumber < limit) {
                int id = itemId(offsetNumber);
                if (!ItemId.isUsed(id) && !ItemId.hasStorage(id)) {
                    break;
                }
                offsetNumber++;
            }
            if (offsetNumber >= limit) {
                setFlag(PD_HAS_FREE_LINES, false);
            }
        } else {
            offsetNumber = limit;
        }
        if (offsetNumber > limit) {
            return INVALID_OFFSET; // "specified item offset is too large"
        }
        if ((flags & PAI_IS_HEAP) != 0 && offsetNumber > MAX_HEAP_TUPLES_PER_PAGE) {
            return INVALID_OFFSET; // "can't put more than MaxHeapTuplesPerPage items in a heap page"
        }
        int lower = (offsetNumber == limit || needShuffle) ? lower0 + ITEM_ID_SIZE : lower0;
        int upper = upper0 - maxAlign(size);
        if (lower > upper) {
            return INVALID_OFFSET;
        }
        if (needShuffle) {
            long from = itemIdPos(offsetNumber);
            MemorySegment.copy(segment, from, segment, from + ITEM_ID_SIZE,
                    (long) (limit - offsetNumber) * ITEM_ID_SIZE);
        }
        setLower(lower);
        setUpper(upper);
        segment.set(INT, itemIdPos(offsetNumber), ItemId.make(upper, LP_NORMAL, size));
        MemorySegment.copy(item, 0, segment, upper, size);
        // PostgreSQL leaves the MAXALIGN padding as it was; we zero it so the page is a function of its history
        for (int i = upper + size; i < upper + maxAlign(size); i++) {
            segment.set(ValueLayout.JAVA_BYTE, i, (byte) 0);
        }
        return offsetNumber;
    }

    /** {@link #addItem(MemorySegment, int, int)} over a byte array. */
    public int addItem(byte[] item, int offsetNumber, int flags) {
        return addItem(MemorySegment.ofArray(item), offsetNumber, flags);
    }

    // ------------------------------------------------------------------ defragmentation

    /**
     * PageRepairFragmentation for heap pages: moves the storage of every line pointer that has storage so
     * the items are packed against pd_special with no holes (in the order of their old positions, highest
     * first), sets pd_upper accordingly, makes LP_UNUSED pointers storage-less and sets or clears
     * PD_HAS_FREE_LINES according to whether any LP_UNUSED pointer exists. Offset numbers do not change.
     * The bytes of the freed space are zeroed, so the result depends only on the line pointers and items.
     *
     * @throws PgException XX001 "corrupted line pointer: %u" / "corrupted item lengths: total %u, available
     *                     space %u" for a damaged page
     */
    public void repairFragmentation() {
        int lower = lower();
        int upper0 = upper();
        int special = special();
        if (lower < HEADER_SIZE || lower > upper0 || upper0 > special || special > SIZE || special != maxAlign(special)) {
            throw PgException.error(SqlState.DATA_CORRUPTED, "corrupted page pointers: lower = " + lower
                    + ", upper = " + upper0 + ", special = " + special);
        }
        int nline = maxOffset();
        int[] offsets = new int[nline];
        int[] itemOffs = new int[nline];
        int nstorage = 0;
        int nunused = 0;
        int totalLen = 0;
        for (int off = FIRST_OFFSET; off <= nline; off++) {
            int id = itemId(off);
            if (ItemId.isUsed(id)) {
                if (ItemId.hasStorage(id)) {
                    int itemOff = ItemId.offset(id);
                    if (itemOff < upper0 || itemOff >= special) {
                        throw PgException.error(SqlState.DATA_CORRUPTED, "corrupted line pointer: " + itemOff);
                    }
                    offsets[nstorage] = off;
                    itemOffs[nstorage] = itemOff;
                    nstorage++;
                    totalLen += maxAlign(ItemId.length(id));
                }
            } else {
                setItemUnused(off);
                nunused++;
            }
        }
        if (totalLen > special - lower) {
            throw PgException.error(SqlState.DATA_CORRUPTED, "corrupted item lengths: total " + totalLen
                    + ", available space " + (special - lower));
        }
        // sort the items by their current position, highest first (insertion sort: at most 291 items)
        for (int i = 1; i < nstorage; i++) {
            int o = offsets[i];
            int p = itemOffs[i];
            int j = i - 1;
            while (j >= 0 && itemOffs[j] < p) {
                offsets[j + 1] = offsets[j];
                itemOffs[j + 1] = itemOffs[j];
                j--;
            }
            offsets[j + 1] = o;
            itemOffs[j + 1] = p;
        }
        // Moving items highest-first toward pd_special never overwrites an item not yet moved: each item's new
        // position is at or above its old one, and all items above it have already been placed.
        int upper = special;
        for (int i = 0; i < nstorage; i++) {
            int id = itemId(offsets[i]);
            int len = ItemId.length(id);
            int aligned = maxAlign(len);
            upper -= aligned;
            MemorySegment.copy(segment, ItemId.offset(id), segment, upper, len);
            for (int b = upper + len; b < upper + aligned; b++) {
                segment.set(ValueLayout.JAVA_BYTE, b, (byte) 0);
            }
            setItemId(offsets[i], ItemId.make(upper, ItemId.flags(id), len));
        }
        segment.asSlice(lower, upper - lower).fill((byte) 0);
        setUpper(upper);
        setFlag(PD_HAS_FREE_LINES, nunused > 0);
    }

    /** True if some line pointer in 1..maxOffset is LP_UNUSED. */
    public boolean hasUnusedLinePointer() {
        int nline = maxOffset();
        for (int off = FIRST_OFFSET; off <= nline; off++) {
            if (!ItemId.isUsed(itemId(off))) {
                return true;
            }
        }
        return false;
    }
}
