package org.pgjava.backend.access.heap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.pgjava.backend.utils.adt.NumericSpecial;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

class HeapTuplesTest {
    private static Object[] roundTrip(TupleDescriptor d, Object... values) {
        byte[] t = HeapTuples.form(d, values);
        return HeapTuples.deform(d, MemorySegment.ofArray(t));
    }

    @Test
    void everyTypeRoundTrips() {
        TupleDescriptor d = TupleDescriptor.of(16, 21, 23, 20, 700, 701, 1700, 25, 1043, 1042, 19, 18, 26, 17,
                2950, 1082, 1114, 1184);
        UUID u = UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        Object[] v = {true, (short) -7, 123456, -9_000_000_000L, 1.5f, -2.25e300, new BigDecimal("-12.3400"),
            "héllo", "varchar", "bp  ", "pg_class", "x", 4294967295L, new byte[] {0, 1, 2, (byte) 255}, u,
            -730, 1234567890123L, -5L};
        Object[] out = roundTrip(d, v);
        for (int i = 0; i < v.length; i++) {
            if (v[i] instanceof byte[] b) {
                assertArrayEquals(b, (byte[]) out[i]);
            } else {
                assertEquals(v[i], out[i], "attribute " + (i + 1));
            }
        }
        assertEquals(-12.34, ((BigDecimal) out[6]).doubleValue());
        assertEquals(4, ((BigDecimal) out[6]).scale());
    }

    @Test
    void uuidIsStoredBigEndianAndNamePadded() {
        TupleDescriptor d = TupleDescriptor.of(2950, 19);
        byte[] t = HeapTuples.form(d, new Object[] {UUID.fromString("01020304-0506-0708-090a-0b0c0d0e0f10"), "ab"});
        assertEquals(24, t[22]); // t_hoff
        for (int i = 0; i < 16; i++) {
            assertEquals(i + 1, t[24 + i]);
        }
        assertEquals('a', t[40]);
        assertEquals('b', t[41]);
        assertEquals(24 + 16 + 64, t.length);
        for (int i = 42; i < t.length; i++) {
            assertEquals(0, t[i]);
        }
    }

    @Test
    void nullsUseBitmap() {
        TupleDescriptor d = TupleDescriptor.of(23, 25, 20, 23, 23, 23, 23, 23, 23);
        Object[] v = {null, "a", null, 1, 2, 3, 4, 5, null};
        byte[] t = HeapTuples.form(d, v);
        MemorySegment s = MemorySegment.ofArray(t);
        assertTrue(HeapTupleHeader.has(s, HeapTupleHeader.HEAP_HASNULL));
        assertTrue(HeapTupleHeader.has(s, HeapTupleHeader.HEAP_HASVARWIDTH));
        assertEquals(9, HeapTupleHeader.natts(s));
        assertEquals(32, HeapTupleHeader.hoff(s)); // 23 + 2 bitmap bytes -> 25 -> MAXALIGN 32
        assertEquals(0b1111_1010, t[23] & 0xFF);
        assertEquals(0, t[24]);
        assertArrayEquals(v, HeapTuples.deform(d, s));
        Object[] allNull = roundTrip(d, new Object[9]);
        for (Object o : allNull) {
            assertNull(o);
        }
    }

    @Test
    void shortAndLongVarlenaHeaders() {
        TupleDescriptor d = TupleDescriptor.of(16, 25);
        String s126 = "x".repeat(126);
        byte[] t = HeapTuples.form(d, new Object[] {true, s126});
        // bool at 24, 1-byte header right after it (no alignment): (127 << 1) | 1
        assertEquals((byte) ((127 << 1) | 1), t[25]);
        assertEquals(24 + 1 + 127, t.length);
        assertEquals(s126, roundTrip(d, true, s126)[1]);
        String s127 = "y".repeat(127);
        byte[] t2 = HeapTuples.form(d, new Object[] {true, s127});
        // 4-byte header aligned to 4: at 28, value (131 << 2), padding 25..27 zero
        assertEquals(0, t2[25]);
        assertEquals(0, t2[27]);
        assertEquals((byte) ((131 << 2) & 0xFF), t2[28]);
        assertEquals((byte) ((131 << 2) >> 8), t2[29]);
        assertEquals(28 + 131, t2.length);
        assertEquals(s127, roundTrip(d, true, s127)[1]);
        // a 4-byte header whose low byte is 0 (length a multiple of 64) at an aligned position
        String s188 = "z".repeat(188); // 192 << 2 = 0x300
        assertEquals(s188, roundTrip(d, true, s188)[1]);
        assertEquals("", roundTrip(d, false, "")[1]);
    }

    @Test
    void alignmentOfFixedTypes() {
        TupleDescriptor d = TupleDescriptor.of(16, 20, 16, 21, 16, 23, 16, 701);
        byte[] t = HeapTuples.form(d, new Object[] {true, 1L, true, (short) 2, true, 3, true, 4.0});
        // bool 24, int8 32..39, bool 40, int2 42..43, bool 44, int4 48..51, bool 52, float8 56..63
        assertEquals(1, t[24]);
        assertEquals(1, t[32]);
        assertEquals(1, t[40]);
        assertEquals(2, t[42]);
        assertEquals(1, t[44]);
        assertEquals(3, t[48]);
        assertEquals(1, t[52]);
        assertEquals(64, t.length);
        assertArrayEquals(new Object[] {true, 1L, true, (short) 2, true, 3, true, 4.0},
                HeapTuples.deform(d, MemorySegment.ofArray(t)));
    }

    @Test
    void longVarlenaAfterShortOneRealigns() {
        TupleDescriptor d = TupleDescriptor.of(25, 17, 25);
        String a = "abc";
        byte[] big = new byte[500];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7 + 1);
        }
        Object[] out = roundTrip(d, a, big, "tail");
        assertEquals(a, out[0]);
        assertArrayEquals(big, (byte[]) out[1]);
        assertEquals("tail", out[2]);
    }

    @Test
    void numericKeepsScaleAndSpecials() {
        TupleDescriptor d = TupleDescriptor.of(1700, 1700, 1700, 1700, 1700, 1700);
        Object[] v = {new BigDecimal("0.000"), NumericSpecial.NAN, NumericSpecial.POSITIVE_INFINITY,
            NumericSpecial.NEGATIVE_INFINITY, new BigDecimal("123456789012345678901234567890.123456789"),
            new BigDecimal("-0.5")};
        Object[] out = roundTrip(d, v);
        for (int i = 0; i < v.length; i++) {
            assertEquals(v[i], out[i]);
        }
        assertEquals(3, ((BigDecimal) out[0]).scale());
    }

    @Test
    void charAndEmptyChar() {
        TupleDescriptor d = TupleDescriptor.of(18, 18);
        assertArrayEquals(new Object[] {"r", ""}, roundTrip(d, "r", ""));
    }

    @Test
    void missingTrailingAttributesReadAsNullOrDefault() {
        TupleDescriptor old = TupleDescriptor.of(23, 25);
        byte[] t = HeapTuples.form(old, new Object[] {5, "five"});
        TupleDescriptor wider = TupleDescriptor.of(23, 25, 20, 16);
        MemorySegment s = MemorySegment.ofArray(t);
        assertArrayEquals(new Object[] {5, "five", null, null}, HeapTuples.deform(wider, s));
        assertArrayEquals(new Object[] {5, "five", 42L, null},
                HeapTuples.deform(wider, s, new Object[] {null, null, 42L, null}));
    }

    @Test
    void rowTooBigMatchesPostgres() {
        // refpg: 1100 int8 columns -> "row is too big: size 8824, maximum size 8160"
        int[] oids = new int[1100];
        java.util.Arrays.fill(oids, 20);
        Object[] vals = new Object[1100];
        java.util.Arrays.fill(vals, 1L);
        PgException e = assertThrows(PgException.class, () -> HeapTuples.form(TupleDescriptor.of(oids), vals));
        assertEquals(SqlState.PROGRAM_LIMIT_EXCEEDED, e.sqlState());
        assertEquals("row is too big: size 8824, maximum size 8160", e.getMessage());
        // refpg (storage plain): 12800-byte text -> 12832; 8160-byte text -> 8192; 8128 fits
        TupleDescriptor text = TupleDescriptor.of(25);
        assertEquals("row is too big: size 12832, maximum size 8160", assertThrows(PgException.class,
                () -> HeapTuples.form(text, new Object[] {"a".repeat(12800)})).getMessage());
        assertEquals("row is too big: size 8192, maximum size 8160", assertThrows(PgException.class,
                () -> HeapTuples.form(text, new Object[] {"a".repeat(8160)})).getMessage());
        assertEquals(8156, HeapTuples.form(text, new Object[] {"a".repeat(8128)}).length);
    }

    @Test
    void wrongJavaTypeRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> HeapTuples.form(TupleDescriptor.of(23), new Object[] {"1"}));
        assertThrows(IllegalArgumentException.class,
                () -> HeapTuples.form(TupleDescriptor.of(19), new Object[] {"n".repeat(64)}));
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED,
                assertThrows(PgException.class, () -> TupleDescriptor.of(1186)).sqlState());
    }

    @Test
    void itemPointerText() {
        long tid = ItemPointer.of(4294967294L, 65535);
        assertEquals(4294967294L, ItemPointer.block(tid));
        assertEquals(65535, ItemPointer.offset(tid));
        assertEquals("(4294967294,65535)", ItemPointer.toString(tid));
        assertEquals(tid, ItemPointer.parse("(4294967294,65535)"));
        MemorySegment s = MemorySegment.ofArray(new byte[24]);
        HeapTupleHeader.setCtid(s, ItemPointer.of(0x12345, 7));
        assertEquals("(74565,7)", ItemPointer.toString(HeapTupleHeader.ctid(s)));
        assertEquals(1, s.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 12)); // bi_hi
    }
}
