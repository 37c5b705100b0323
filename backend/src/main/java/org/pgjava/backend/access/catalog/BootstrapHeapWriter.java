package org.pgjava.backend.access.catalog;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.pgjava.backend.access.heap.HeapPage;
import org.pgjava.backend.access.heap.HeapTupleHeader;
import org.pgjava.backend.access.heap.HeapTuples;
import org.pgjava.backend.access.heap.ItemPointer;
import org.pgjava.backend.access.heap.TupleDescriptor;
import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.storage.page.Page;
import org.pgjava.backend.storage.smgr.StorageManager;
import org.pgjava.backend.utils.snapshot.TransactionIds;
import org.pgjava.conf.errors.PgException;

/**
 * Writes a bootstrap catalog's heap file directly, without the buffer pool or WAL (PostgreSQL's bootstrap
 * mode writes catalogs the same way: initdb's data becomes durable by fsync before pg_control exists, so
 * no WAL is needed). Every tuple has xmin = BootstrapTransactionId (1) with HEAP_XMIN_COMMITTED, cmin 0,
 * xmax invalid; pages are filled in order and never pruned.
 *
 * <p>Entry points: {@link #pages(TupleDescriptor, List)}, {@link #write(StorageManager, RelFileLocator,
 * TupleDescriptor, List)}, {@link #readAll(StorageManager, RelFileLocator, TupleDescriptor)} (reads every
 * normal tuple back, for checks and tests).
 */
public final class BootstrapHeapWriter {
    private BootstrapHeapWriter() {
    }

    /**
     * The heap pages holding {@code rows} (heap values, {@link HeapTuples}' representation) in order.
     *
     * @throws PgException 54000 when a row is too big for a page
     */
    public static List<Page> pages(TupleDescriptor descriptor, List<Object[]> rows) {
        List<Page> pages = new ArrayList<>();
        Page page = null;
        for (Object[] row : rows) {
            byte[] tuple = HeapTuples.form(descriptor, row);
            MemorySegment t = MemorySegment.ofArray(tuple);
            HeapTupleHeader.prepareInsert(t, TransactionIds.BOOTSTRAP, 0, false, false);
            HeapTupleHeader.setInfomask(t, HeapTupleHeader.infomask(t) | HeapTupleHeader.HEAP_XMIN_COMMITTED);
            int offset = page == null ? Page.INVALID_OFFSET : HeapPage.chooseInsertOffset(page, tuple.length);
            if (offset == Page.INVALID_OFFSET) {
                page = Page.allocate();
                page.init(0);
                pages.add(page);
                offset = HeapPage.chooseInsertOffset(page, tuple.length);
            }
            HeapPage.insertTuple(page, pages.size() - 1, offset, tuple);
        }
        return pages;
    }

    /**
     * Creates the relation's main fork (which must not exist), writes the pages of {@code rows} and fsyncs
     * the file.
     */
    public static void write(StorageManager smgr, RelFileLocator rel, TupleDescriptor descriptor, List<Object[]> rows) {
        smgr.create(rel, ForkNumber.MAIN, false);
        List<Page> pages = pages(descriptor, rows);
        for (int block = 0; block < pages.size(); block++) {
            smgr.extend(rel, ForkNumber.MAIN, block, pages.get(block).segment(), true);
        }
        smgr.immedsync(rel, ForkNumber.MAIN);
    }

    /** One tuple read back: its ctid, xmin, xmax, infomask and heap values. */
    public record StoredTuple(long ctid, long xmin, long xmax, int infomask, Object[] values) {
        @Override
        public String toString() {
            return ItemPointer.toString(ctid) + " xmin " + xmin;
        }
    }

    /** Every normal tuple of the relation's main fork in physical order, without visibility checks. */
    public static List<StoredTuple> readAll(StorageManager smgr, RelFileLocator rel, TupleDescriptor descriptor) {
        List<StoredTuple> tuples = new ArrayList<>();
        long blocks = smgr.nblocks(rel, ForkNumber.MAIN);
        Page page = Page.allocate();
        for (long block = 0; block < blocks; block++) {
            smgr.read(rel, ForkNumber.MAIN, block, page.segment());
            for (int off = Page.FIRST_OFFSET; off <= page.maxOffset(); off++) {
                if (!org.pgjava.backend.storage.page.ItemId.isNormal(page.itemId(off))) {
                    continue;
                }
                MemorySegment t = page.getItem(off);
                tuples.add(new StoredTuple(ItemPointer.of(block, off), HeapTupleHeader.xmin(t),
                        HeapTupleHeader.xmax(t), HeapTupleHeader.infomask(t), HeapTuples.deform(descriptor, t)));
            }
        }
        return tuples;
    }
}
