package org.pgjava.backend.storage.page;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

class PageTest {
    private static byte[] item(int len, int fill) {
        byte[] b = new byte[len];
        java.util.Arrays.fill(b, (byte) fill);
        return b;
    }

    private static byte[] bytes(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void zeroPageIsNewAndValid() {
        Page p = Page.allocate();
        assertTrue(p.isNew());
        assertTrue(p.isVerified());
        p.verify(0, "t");
        assertEquals(0, p.maxOffset());
    }

    @Test
    void initWritesPostgresHeader() {
        Page p = Page.allocate();
        p.init(0);
        assertFalse(p.isNew());
        assertEquals(24, p.lower());
        assertEquals(8192, p.upper());
        assertEquals(8192, p.special());
        assertEquals(8192 | 4, p.pageSizeVersion());
        assertEquals(0, p.flags());
        assertEquals(8192 - 24 - 4, p.freeSpace());
        assertTrue(p.isVerified());
        Page q = Page.allocate();
        q.init(10);
        assertEquals(8192 - 16, q.special());
    }

    @Test
    void lsnIsTwoNativeHalvesHighFirst() {
        Page p = Page.allocate();
        p.init(0);
        p.setLsn(0x0000_0001_2345_6789L);
        MemorySegment s = p.segment();
        assertEquals(1, s.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.nativeOrder()), 0));
        assertEquals(0x2345_6789, s.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.nativeOrder()), 4));
        assertEquals(0x0000_0001_2345_6789L, Page.lsn(s));
        Page.setLsn(s, 0xFFFF_FFFF_FFFF_FFF0L);
        assertEquals(0xFFFF_FFFF_FFFF_FFF0L, p.lsn());
    }

    @Test
    void corruptHeaderRaisesXX001() {
        Page p = Page.allocate();
        p.init(0);
        p.segment().set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder()), 12, (short) 9000);
        PgException e = assertThrows(PgException.class, () -> p.verify(7, "accounts"));
        assertEquals(SqlState.DATA_CORRUPTED, e.sqlState());
        assertEquals("invalid page in block 7 of relation accounts", e.getMessage());
        Page junk = Page.allocate();
        junk.segment().set(ValueLayout.JAVA_BYTE, 100, (byte) 1); // pd_upper 0 but not all zero
        assertThrows(PgException.class, () -> junk.verify(0, "t"));
        Page flags = Page.allocate();
        flags.init(0);
        flags.setFlags(0x80);
        assertFalse(flags.isVerified());
    }

    @Test
    void addGetRoundTripAndAlignment() {
        Page p = Page.allocate();
        p.init(0);
        assertEquals(1, p.addItem(item(10, 1), Page.INVALID_OFFSET, 0));
        assertEquals(2, p.addItem(item(33, 2), Page.INVALID_OFFSET, 0));
        assertEquals(2, p.maxOffset());
        assertEquals(24 + 8, p.lower());
        assertEquals(8192 - 16 - 40, p.upper());
        int id1 = p.itemId(1);
        assertEquals(8192 - 16, ItemId.offset(id1));
        assertEquals(10, ItemId.length(id1));
        assertTrue(ItemId.isNormal(id1));
        assertArrayEquals(item(10, 1), bytes(p.getItem(1)));
        assertArrayEquals(item(33, 2), bytes(p.getItem(2)));
        assertTrue(p.isVerified());
    }

    @Test
    void overwriteAndShuffleRules() {
        Page p = Page.allocate();
        p.init(0);
        p.addItem(item(8, 1), Page.INVALID_OFFSET, 0);
        p.addItem(item(8, 2), Page.INVALID_OFFSET, 0);
        // overwrite of a used slot is refused
        assertEquals(Page.INVALID_OFFSET, p.addItem(item(8, 9), 1, Page.PAI_OVERWRITE));
        // beyond end + 1 is refused
        assertEquals(Page.INVALID_OFFSET, p.addItem(item(8, 9), 4, Page.PAI_OVERWRITE));
        // without overwrite: insert at 1 shifts the others
        assertEquals(1, p.addItem(item(8, 3), 1, 0));
        assertArrayEquals(item(8, 3), bytes(p.getItem(1)));
        assertArrayEquals(item(8, 1), bytes(p.getItem(2)));
        assertArrayEquals(item(8, 2), bytes(p.getItem(3)));
        // unused slot is reused with overwrite, and by "first free" when PD_HAS_FREE_LINES is set
        p.setItemUnused(2);
        assertEquals(2, p.addItem(item(8, 4), 2, Page.PAI_OVERWRITE));
        p.setItemUnused(1);
        p.setFlag(Page.PD_HAS_FREE_LINES, true);
        assertEquals(1, p.addItem(item(8, 5), Page.INVALID_OFFSET, 0));
        assertEquals(4, p.addItem(item(8, 6), Page.INVALID_OFFSET, 0));
        assertFalse(p.hasFlag(Page.PD_HAS_FREE_LINES), "the scan found no free line pointer and cleared the hint");
    }

    @Test
    void heapFreeSpaceStopsAtMaxHeapTuplesPerPage() {
        assertEquals(291, Page.MAX_HEAP_TUPLES_PER_PAGE);
        Page p = Page.allocate();
        p.init(0);
        int n = 0;
        while (p.addItem(item(1, 7), Page.INVALID_OFFSET, Page.PAI_IS_HEAP) != Page.INVALID_OFFSET) {
            n++;
        }
        assertEquals(291, n);
        assertTrue(p.freeSpace() > 0);
        assertEquals(0, p.heapFreeSpace());
        p.setItemUnused(5);
        p.setFlag(Page.PD_HAS_FREE_LINES, true);
        assertEquals(p.freeSpace(), p.heapFreeSpace());
    }

    @Test
    void fullPageRefusesItem() {
        Page p = Page.allocate();
        p.init(0);
        assertEquals(1, p.addItem(item(8160, 1), Page.INVALID_OFFSET, 0));
        assertEquals(0, p.freeSpace());
        assertEquals(Page.INVALID_OFFSET, p.addItem(item(1, 1), Page.INVALID_OFFSET, 0));
    }

    @Test
    void repairFragmentationClosesHolesAndKeepsOffsets() {
        Page p = Page.allocate();
        p.init(0);
        for (int i = 1; i <= 6; i++) {
            p.addItem(item(10 * i, i), Page.INVALID_OFFSET, 0);
        }
        int before = p.freeSpace();
        p.setItemUnused(2);
        p.setItemDead(4);
        p.setItemRedirect(5, 6);
        p.repairFragmentation();
        assertEquals(before + 24 + 40 + 56, p.freeSpace()); // items 2 (20->24), 4 (40), 5 (50->56) freed
        assertArrayEquals(item(10, 1), bytes(p.getItem(1)));
        assertArrayEquals(item(30, 3), bytes(p.getItem(3)));
        assertArrayEquals(item(60, 6), bytes(p.getItem(6)));
        assertTrue(ItemId.isDead(p.itemId(4)));
        assertTrue(ItemId.isRedirected(p.itemId(5)));
        assertEquals(6, ItemId.redirect(p.itemId(5)));
        assertTrue(p.hasFlag(Page.PD_HAS_FREE_LINES));
        assertEquals(8192 - 16 - 32 - 64, p.upper());
        // free space is zeroed: the page is a function of its items
        for (int i = p.lower(); i < p.upper(); i++) {
            assertEquals(0, p.segment().get(ValueLayout.JAVA_BYTE, i));
        }
        assertEquals(2, p.addItem(item(20, 9), Page.INVALID_OFFSET, 0));
        p.repairFragmentation();
        assertFalse(p.hasFlag(Page.PD_HAS_FREE_LINES));
        assertArrayEquals(item(20, 9), bytes(p.getItem(2)));
    }

    @Test
    void wrongSizeSegmentRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Page(MemorySegment.ofArray(new byte[4096])));
    }
}
