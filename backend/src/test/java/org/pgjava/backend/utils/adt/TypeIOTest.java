package org.pgjava.backend.utils.adt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.pgjava.backend.executor.FakeSession;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/** Binary formats are checked against bytes obtained from PostgreSQL 15 (e.g. SELECT numeric_send(...)). */
class TypeIOTest {
    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    private static void binary(int oid, Object value, String pgHex) {
        assertArrayEquals(hex(pgHex), TypeIO.send(oid, value), () -> "send " + value);
        Object back = TypeIO.receive(oid, hex(pgHex));
        if (value instanceof byte[] b) {
            assertArrayEquals(b, (byte[]) back);
        } else {
            assertEquals(value, back);
        }
    }

    @Test
    void numericBinaryMatchesPostgres() {
        binary(1700, new BigDecimal("1234.5678"), "000200000000000404d2162e");
        binary(1700, NumericSpecial.NAN, "00000000c0000000");
        binary(1700, new BigDecimal("-0.001"), "0001ffff40000003000a");
        binary(1700, new BigDecimal("0"), "0000000000000000");
        binary(1700, new BigDecimal("0.00"), "0000000000000002");
        binary(1700, NumericSpecial.NEGATIVE_INFINITY, "00000000f0000020");
        binary(1700, NumericSpecial.POSITIVE_INFINITY, "00000000d0000020");
        binary(1700, new BigDecimal("12345678901234567890.123"), "000600040000000304d2162e23340d801ed204ce");
        binary(1700, new BigDecimal("100000"), "0001000100000000000a");
        binary(1700, new BigDecimal("1.10"), "0002000000000002000103e8");
    }

    @Test
    void fixedWidthBinaryMatchesPostgres() {
        binary(23, 42, "0000002a");
        binary(20, -2L, "fffffffffffffffe");
        binary(20, Long.MAX_VALUE, "7fffffffffffffff");
        binary(21, (short) 1, "0001");
        binary(21, (short) -2, "fffe");
        binary(701, 1.5, "3ff8000000000000");
        binary(701, Double.NEGATIVE_INFINITY, "fff0000000000000");
        binary(700, 1.5f, "3fc00000");
        binary(16, true, "01");
        binary(25, "h\u00e9", "68c3a9");
        binary(26, 4294967295L, "ffffffff");
        binary(18, "a", "61");
        binary(17, new byte[] {1, 2, (byte) 0xff}, "0102ff");
        assertArrayEquals(hex("7fc00000"), TypeIO.send(700, Float.NaN));
        binary(2950, java.util.UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), "a0eebc999c0b4ef8bb6d6bb9bd380a11");
    }

    @Test
    void receiveRejectsWrongLengths() {
        PgException e = assertThrows(PgException.class, () -> TypeIO.receive(23, new byte[8]));
        assertEquals(SqlState.INVALID_BINARY_REPRESENTATION, e.sqlState());
        e = assertThrows(PgException.class, () -> TypeIO.receive(20, new byte[3]));
        assertEquals(SqlState.PROTOCOL_VIOLATION, e.sqlState());
        assertEquals("insufficient data left in message", e.getMessage());
    }

    @Test
    void textOutput() {
        FakeSession s = new FakeSession();
        assertEquals("0.30000000000000004", TypeIO.output(701, 0.1 + 0.2, s));
        assertEquals("1e+100", TypeIO.output(701, 1e100, s));
        assertEquals("1e-07", TypeIO.output(701, 1e-7, s));
        assertEquals("Infinity", TypeIO.output(701, Double.POSITIVE_INFINITY, s));
        assertEquals("NaN", TypeIO.output(701, Double.NaN, s));
        assertEquals("-0", TypeIO.output(701, -0.0, s));
        assertEquals("1e+15", TypeIO.output(701, 1e15, s));
        assertEquals("123456789012345", TypeIO.output(701, 123456789012345.0, s));
        assertEquals("0.0001", TypeIO.output(701, 0.0001, s));
        assertEquals("1.5e-05", TypeIO.output(701, 1.5e-5, s));
        assertEquals("5e-324", TypeIO.output(701, Double.MIN_VALUE, s));
        assertEquals("3.14", TypeIO.output(700, 3.14f, s));
        assertEquals("0.33333334", TypeIO.output(700, 1f / 3, s));
        s.settings.put("extra_float_digits", "0");
        assertEquals("0.3", TypeIO.output(701, 0.1 + 0.2, s));
        assertEquals("0.333333", TypeIO.output(700, 1f / 3, s));
        assertEquals("t", TypeIO.output(16, true, s));
        assertEquals("\\x4142", TypeIO.output(17, new byte[] {0x41, 0x42}, s));
        s.settings.put("bytea_output", "escape");
        assertEquals("a\\\\b\\001", TypeIO.output(17, new byte[] {'a', '\\', 'b', 1}, s));
        assertEquals("NaN", TypeIO.output(1700, NumericSpecial.NAN, s));
        assertEquals("1.50", TypeIO.output(1700, new BigDecimal("1.50"), s));
    }

    @Test
    void textInputAndErrors() {
        FakeSession s = new FakeSession();
        assertEquals(12, TypeIO.input(23, " 12 ", s));
        assertEquals(5, TypeIO.input(23, "+5", s));
        assertEquals(Long.MIN_VALUE, TypeIO.input(20, "-9223372036854775808", s));
        PgException e = assertThrows(PgException.class, () -> TypeIO.input(23, "abc", s));
        assertEquals(SqlState.INVALID_TEXT_REPRESENTATION, e.sqlState());
        assertEquals("invalid input syntax for type integer: \"abc\"", e.getMessage());
        e = assertThrows(PgException.class, () -> TypeIO.input(23, "99999999999", s));
        assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, e.sqlState());
        assertEquals("value \"99999999999\" is out of range for type integer", e.getMessage());
        assertEquals("invalid input syntax for type smallint: \"x\"",
                assertThrows(PgException.class, () -> TypeIO.input(21, "x", s)).getMessage());
        assertEquals(true, TypeIO.input(16, "YES", s));
        assertEquals(false, TypeIO.input(16, "of", s));
        assertThrows(PgException.class, () -> TypeIO.input(16, "o", s));
        assertEquals(new BigDecimal("0.0015"), TypeIO.input(1700, "1.5e-3", s));
        assertEquals(new BigDecimal("1000"), TypeIO.input(1700, "1e3", s));
        assertEquals(NumericSpecial.NEGATIVE_INFINITY, TypeIO.input(1700, "-inf", s));
        assertEquals("value overflows numeric format",
                assertThrows(PgException.class, () -> TypeIO.input(1700, "1e131072", s)).getMessage());
        assertEquals("value overflows numeric format",
                assertThrows(PgException.class, () -> TypeIO.input(1700, "1e-16384", s)).getMessage());
        TypeIO.input(1700, "1e131071", s);
        TypeIO.input(1700, "1e-16383", s);
        assertEquals("\"1e400\" is out of range for type double precision",
                assertThrows(PgException.class, () -> TypeIO.input(701, "1e400", s)).getMessage());
        assertArrayEquals(new byte[] {(byte) 0xab, 1}, (byte[]) TypeIO.input(17, "\\xab01", s));
        assertEquals("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                TypeIO.output(2950, TypeIO.input(2950, "{A0EEBC99-9C0B4EF8-BB6D6BB9-BD380A11}", s), s));
        assertEquals("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                TypeIO.output(2950, TypeIO.input(2950, "a0ee-bc99-9c0b-4ef8-bb6d-6bb9bd380a11", s), s));
        assertEquals("invalid input syntax for type uuid: \"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1\"",
                assertThrows(PgException.class, () -> TypeIO.input(2950, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", s)).getMessage());
        assertArrayEquals(new byte[] {'a', '\\', (byte) 0xff}, (byte[]) TypeIO.input(17, "a\\\\\\377", s));
    }

    @Test
    void numericArithmeticScales() {
        assertEquals("0.33333333333333333333", Numerics.output(Numerics.div(BigDecimal.ONE, new BigDecimal(3))));
        assertEquals("2.5000000000000000", Numerics.output(Numerics.div(BigDecimal.TEN, new BigDecimal(4))));
        assertEquals("33333333333333333333", Numerics.output(Numerics.div(new BigDecimal("1E+20").setScale(0), new BigDecimal(3))));
        assertEquals("1.4142135623730950", Numerics.output(Numerics.power(new BigDecimal(2), new BigDecimal("0.5"))));
        assertEquals("1024.0000000000000000", Numerics.output(Numerics.power(new BigDecimal(2), new BigDecimal(10))));
        assertEquals("1.414213562373095", Numerics.output(Numerics.sqrt(new BigDecimal(2))));
        assertEquals("14.142135623730950", Numerics.output(Numerics.sqrt(new BigDecimal(200))));
        assertEquals("0.14142135623730950", Numerics.output(Numerics.sqrt(new BigDecimal("0.02"))));
        assertEquals("11111.11106055556", Numerics.output(Numerics.sqrt(new BigDecimal(123456789))));
        assertEquals("1.4142135623730950488017", Numerics.output(Numerics.sqrt(new BigDecimal("2.0000000000000000000000"))));
        PgException e = assertThrows(PgException.class, () -> Numerics.div(BigDecimal.ONE, BigDecimal.ZERO));
        assertEquals(SqlState.DIVISION_BY_ZERO, e.sqlState());
        e = assertThrows(PgException.class, () -> Numerics.applyTypmod(new BigDecimal("1234.5"), ((3 << 16) | 1) + 4));
        assertEquals("numeric field overflow", e.getMessage());
        assertEquals("A field with precision 3, scale 1 must round to an absolute value less than 10^2.", e.detail());
    }

    /** timestamptz output: texts printed by PostgreSQL 15 for the same instants and TimeZone settings. */
    @org.junit.jupiter.api.Test
    void timestamptzOutput() {
        org.pgjava.backend.executor.FakeSession s = new org.pgjava.backend.executor.FakeSession();
        s.settings.put("timezone", "Asia/Kolkata");
        long v = Timestamps.fromInstant(java.time.Instant.parse("2026-01-01T00:00:00.5Z"));
        org.junit.jupiter.api.Assertions.assertEquals("2026-01-01 05:30:00.5+05:30", TypeIO.output(1184, v, s));
        s.settings.put("timezone", "UTC");
        org.junit.jupiter.api.Assertions.assertEquals("2026-01-01 00:00:00.12345+00", TypeIO.output(1184,
                Timestamps.fromInstant(java.time.Instant.parse("2026-01-01T00:00:00.123450Z")), s));
        org.junit.jupiter.api.Assertions.assertEquals("infinity", TypeIO.output(1184, Long.MAX_VALUE, s));
        s.settings.put("timezone", "Europe/Amsterdam");
        org.junit.jupiter.api.Assertions.assertEquals("2026-06-01 02:00:00+02", TypeIO.output(1184,
                Timestamps.fromInstant(java.time.Instant.parse("2026-06-01T00:00:00Z")), s));
        // 2000-01-01 00:00:00 UTC is 0, sent as int8
        org.junit.jupiter.api.Assertions.assertEquals(0L, Timestamps.fromInstant(java.time.Instant.parse("2000-01-01T00:00:00Z")));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 1}, TypeIO.send(1184, 1L));
        s.settings.put("datestyle", "SQL, DMY");
        org.junit.jupiter.api.Assertions.assertEquals(org.pgjava.conf.errors.SqlState.FEATURE_NOT_SUPPORTED,
                org.junit.jupiter.api.Assertions.assertThrows(org.pgjava.conf.errors.PgException.class,
                        () -> TypeIO.output(1184, 0L, s)).sqlState());
    }

    /** inet output (PostgreSQL 15: 127.0.0.1|::1|10.1.0.0/16|::ffff:1.2.3.4|2001:db8::1/64) and inet_send bytes. */
    @org.junit.jupiter.api.Test
    void inetOutput() throws Exception {
        org.junit.jupiter.api.Assertions.assertEquals("127.0.0.1", Inet.of(java.net.InetAddress.getByName("127.0.0.1")).toString());
        org.junit.jupiter.api.Assertions.assertEquals("::1", Inet.of(java.net.InetAddress.getByName("::1")).toString());
        org.junit.jupiter.api.Assertions.assertEquals("10.1.0.0/16", new Inet(new byte[] {10, 1, 0, 0}, 16).toString());
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 1;
        mapped[13] = 2;
        mapped[14] = 3;
        mapped[15] = 4;
        org.junit.jupiter.api.Assertions.assertEquals("::ffff:1.2.3.4", new Inet(mapped, 128).toString());
        org.junit.jupiter.api.Assertions.assertEquals("2001:db8::1/64",
                new Inet(java.net.InetAddress.getByName("2001:db8::1").getAddress(), 64).toString());
        org.junit.jupiter.api.Assertions.assertEquals("1:0:2::", new Inet(java.net.InetAddress.getByName("1:0:2::").getAddress(), 128).toString());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {2, 32, 0, 4, 127, 0, 0, 1},
                TypeIO.send(869, Inet.of(java.net.InetAddress.getByName("127.0.0.1"))));
    }
}
