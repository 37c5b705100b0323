package org.pgjava.shmem.wal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;
import static org.pgjava.shmem.wal.WalGeometry.*;

class WalGeometryTest {
    @Test
    void positionsSkipPageHeaders() {
        assertEquals(24, startLsn(0));
        assertEquals(0, endLsn(0));
        assertEquals(8191, startLsn(USABLE_BYTES_PER_PAGE - 1));
        assertEquals(8192, endLsn(USABLE_BYTES_PER_PAGE), "end at a boundary stays there");
        assertEquals(8192 + 24, startLsn(USABLE_BYTES_PER_PAGE), "start at a boundary skips the next header");
        assertEquals(3L * 8192 + 24 + 100, startLsn(3L * USABLE_BYTES_PER_PAGE + 100));
        for (long p : new long[]{0, 1, 8167, 8168, 8169, 1_000_000, 123_456_789_012L}) {
            assertEquals(p, bytePos(startLsn(p)));
            if (p > 0) {
                assertEquals(p, bytePos(endLsn(p)));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> bytePos(8192 + 10));
    }

    @Test
    void formatsLikePostgres() {
        assertEquals("0/16B3748", formatLsn(0x16B3748));
        assertEquals("1/0", formatLsn(1L << 32));
        assertEquals(16, align(9));
        assertEquals(8, align(8));
    }

    @Test
    void regionSizeCoversThePages() {
        assertTrue(WalShared.regionSize(4) >= 768 + 32 + 4 * 8192L);
        assertThrows(IllegalArgumentException.class, () -> WalShared.regionSize(2));
    }
}
