package org.pgjava.backend.access.wal;

import org.junit.jupiter.api.Test;
import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class WalRecordTest {
    private static final RelFileLocator REL = RelFileLocator.of(5, 16384);

    static MemorySegment page(long lsn, int lower, int upper) {
        MemorySegment page = Arena.ofAuto().allocate(PageLsn.BLOCK_SIZE, 8);
        for (int i = 0; i < PageLsn.BLOCK_SIZE; i++) {
            page.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
        }
        PageLsn.set(page, lsn);
        page.set(ValueLayout.JAVA_SHORT_UNALIGNED, 12, (short) lower);
        page.set(ValueLayout.JAVA_SHORT_UNALIGNED, 14, (short) upper);
        for (int i = lower; i < upper; i++) {
            page.set(ValueLayout.JAVA_BYTE, i, (byte) 0);
        }
        return page;
    }

    @Test
    void pageLsnIsTwoNativeHalves() {
        MemorySegment page = Arena.ofAuto().allocate(PageLsn.BLOCK_SIZE);
        PageLsn.set(page, 0x0000_0002_1234_5678L);
        assertEquals(2, page.get(ValueLayout.JAVA_INT, 0));
        assertEquals(0x12345678, page.get(ValueLayout.JAVA_INT, 4));
        assertEquals(0x0000_0002_1234_5678L, PageLsn.get(page));
    }

    @Test
    void roundTripWithBlocksAndMainData() throws Exception {
        MemorySegment p = page(0x5000, 100, 8000);
        RelFileLocator other = RelFileLocator.of(5, 16390);
        List<WalBlockRef> blocks = List.of(
                WalBlockRef.standard(0, REL, ForkNumber.MAIN, 7, p, new byte[]{1, 2, 3}),
                WalBlockRef.standard(1, REL, ForkNumber.MAIN, 8, null, null),
                new WalBlockRef(2, other, ForkNumber.FSM, 9, null, 0, new byte[300]));
        byte[] main = new byte[400];
        main[399] = 42;
        WalRecord.Encoded enc = WalRecord.encode(RmgrIds.HEAP, 0x10, 1234, blocks, main, 0x4000, true);
        assertEquals(0x5000, enc.lowestLsnWithoutImage(), "page LSN above redo: no image");
        WalRecord.seal(enc.bytes(), 0x3000);
        WalRecord r = WalRecord.decode(enc.bytes(), 0x6000, 0x6100, true);
        assertEquals(RmgrIds.HEAP, r.rmid());
        assertEquals(0x10, r.info());
        assertEquals(1234, r.xid());
        assertEquals(0x3000, r.prevLsn());
        assertArrayEquals(main, r.mainData());
        assertEquals(3, r.blocks().size());
        DecodedBlock b0 = r.block(0);
        assertEquals(REL, b0.locator());
        assertEquals(7, b0.blockNumber());
        assertFalse(b0.hasImage());
        assertArrayEquals(new byte[]{1, 2, 3}, b0.data());
        assertTrue(r.block(1).willInit());
        assertEquals(REL, r.block(1).locator(), "SAME_REL resolves to the previous relation");
        assertEquals(other, r.block(2).locator());
        assertEquals(ForkNumber.FSM, r.block(2).fork());
        assertEquals(300, r.block(2).data().length);
    }

    @Test
    void crcDetectsAnyFlippedByte() throws Exception {
        WalRecord.Encoded enc = WalRecord.encode(RmgrIds.XACT, 0, 77, List.of(), new byte[]{9, 8, 7, 6}, 0, true);
        WalRecord.seal(enc.bytes(), 0x100);
        WalRecord.decode(enc.bytes(), 0, 0, true);
        for (int i = 0; i < enc.bytes().length; i++) {
            if (i >= WalRecord.CRC && i < WalRecord.CRC + 4) {
                continue;
            }
            byte[] copy = enc.bytes().clone();
            copy[i] ^= 0x40;
            if (i < 4) {
                continue; // a wrong length is caught by the length check
            }
            final byte[] c = copy;
            assertThrows(WalFormatException.class, () -> WalRecord.decode(c, 0, 0, true), "byte " + i);
        }
    }

    @Test
    void fullPageImageLeavesOutTheHoleAndRestoresIt() throws Exception {
        MemorySegment p = page(0x1000, 200, 7000);
        WalRecord.Encoded enc = WalRecord.encode(RmgrIds.HEAP, 0, 5,
                List.of(WalBlockRef.standard(0, REL, ForkNumber.MAIN, 3, p, null)), null, 0x2000, true);
        assertEquals(Long.MAX_VALUE, enc.lowestLsnWithoutImage());
        assertTrue(enc.bytes().length < 8192 - 6000 + 200, "hole removed: " + enc.bytes().length);
        WalRecord.seal(enc.bytes(), 0);
        WalRecord r = WalRecord.decode(enc.bytes(), 0, 0, true);
        assertTrue(r.block(0).hasImage());
        assertArrayEquals(p.toArray(ValueLayout.JAVA_BYTE), r.block(0).image());
    }

    @Test
    void nonStandardPageKeepsTheWholeImage() throws Exception {
        MemorySegment p = page(0x1000, 200, 7000);
        WalRecord.Encoded enc = WalRecord.encode(RmgrIds.HEAP, 0, 5,
                List.of(new WalBlockRef(0, REL, ForkNumber.MAIN, 3, p, 0, null)), null, 0x2000, true);
        assertTrue(enc.bytes().length > 8192);
        WalRecord.seal(enc.bytes(), 0);
        assertArrayEquals(p.toArray(ValueLayout.JAVA_BYTE), WalRecord.decode(enc.bytes(), 0, 0, true).block(0).image());
    }

    @Test
    void imageRulesFollowRedoPointerAndFlags() {
        MemorySegment old = page(0x1000, 100, 200);
        MemorySegment fresh = page(0x3000, 100, 200);
        List<WalBlockRef> blocks = List.of(WalBlockRef.standard(0, REL, ForkNumber.MAIN, 1, old, null),
                WalBlockRef.standard(1, REL, ForkNumber.MAIN, 2, fresh, null),
                new WalBlockRef(2, REL, ForkNumber.MAIN, 3, old, WalBlockRef.WILL_INIT, null),
                new WalBlockRef(3, REL, ForkNumber.MAIN, 4, fresh, WalBlockRef.FORCE_IMAGE, null));
        WalRecord.Encoded enc = WalRecord.encode(RmgrIds.HEAP, 0, 1, blocks, null, 0x1000, true);
        WalRecord.seal(enc.bytes(), 0);
        WalRecord r = assertDoesNotThrow(() -> WalRecord.decode(enc.bytes(), 0, 0, true));
        assertTrue(r.block(0).hasImage(), "page LSN == redo pointer: image");
        assertFalse(r.block(1).hasImage());
        assertFalse(r.block(2).hasImage());
        assertTrue(r.block(2).willInit());
        assertTrue(r.block(3).hasImage());
        assertEquals(0x3000, enc.lowestLsnWithoutImage());
        WalRecord.Encoded off = WalRecord.encode(RmgrIds.HEAP, 0, 1, blocks.subList(0, 1), null, 0x1000, false);
        WalRecord.seal(off.bytes(), 0);
        assertFalse(assertDoesNotThrow(() -> WalRecord.decode(off.bytes(), 0, 0, true)).block(0).hasImage(),
                "full_page_writes off");
    }

    @Test
    void blockIdsMustAscend() {
        List<WalBlockRef> blocks = List.of(WalBlockRef.standard(1, REL, ForkNumber.MAIN, 1, null, null),
                WalBlockRef.standard(1, REL, ForkNumber.MAIN, 2, null, null));
        assertThrows(IllegalArgumentException.class, () -> WalRecord.encode(RmgrIds.HEAP, 0, 1, blocks, null, 0, true));
    }

    @Test
    void checkpointRecordRoundTrip() {
        CheckpointRecord c = new CheckpointRecord(0x1_0000_0028L, 1, 1, true, 0x1_0000_0300L, 24576, 1, 0, 716, 1,
                1, 1, 1_700_000_000L, 740);
        assertEquals(c, CheckpointRecord.decode(c.encode()));
        assertEquals(CheckpointRecord.SIZE, c.encode().length);
    }
}
