package org.pgjava.backend.optimizer.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgjava.backend.executor.FakeSession;
import org.pgjava.backend.utils.adt.DateTimes;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/** Casts.coerceToColumn (assignment), typmods and the date/time cast table; texts as PostgreSQL 15. */
class CastsTypmodTest {
    private final FakeSession session = new FakeSession();

    private Object assign(Object v, int from, int to, int typmod) {
        return Casts.coerceToColumn(v, from, to, typmod, "c", session);
    }

    @Test
    void varcharAndCharAssignment() {
        int vc3 = Types.typmodIn(Types.VARCHAR, new int[] {3}, new ArrayList<>());
        int ch3 = Types.typmodIn(Types.BPCHAR, new int[] {3}, new ArrayList<>());
        assertEquals("abc", assign("abc", Types.TEXT, Types.VARCHAR, vc3));
        assertEquals("abc", assign("abc   ", Types.TEXT, Types.VARCHAR, vc3));
        PgException e = assertThrows(PgException.class, () -> assign("abcd", Types.TEXT, Types.VARCHAR, vc3));
        assertEquals(SqlState.STRING_DATA_RIGHT_TRUNCATION, e.sqlState());
        assertEquals("value too long for type character varying(3)", e.getMessage());
        e = assertThrows(PgException.class, () -> assign("abcd", Types.UNKNOWN, Types.BPCHAR, ch3));
        assertEquals("value too long for type character(3)", e.getMessage());
        assertEquals("ab ", assign("ab", Types.UNKNOWN, Types.BPCHAR, ch3));
        assertEquals("12 ", assign(12, Types.INT4, Types.BPCHAR, ch3));
        // explicit casts truncate silently
        assertEquals("ab", Casts.applyTypmod(Types.VARCHAR, Types.typmodIn(Types.VARCHAR, new int[] {2}, new ArrayList<>()), "abc", true));
    }

    @Test
    void numericAssignment() {
        int n52 = Types.typmodIn(Types.NUMERIC, new int[] {5, 2}, new ArrayList<>());
        assertEquals(new BigDecimal("123.46"), assign(new BigDecimal("123.455"), Types.NUMERIC, Types.NUMERIC, n52));
        assertEquals(new BigDecimal("7.00"), assign(7, Types.INT4, Types.NUMERIC, n52));
        PgException e = assertThrows(PgException.class, () -> assign(new BigDecimal("1000"), Types.NUMERIC, Types.NUMERIC, n52));
        assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, e.sqlState());
        assertEquals("numeric field overflow", e.getMessage());
        assertEquals("A field with precision 5, scale 2 must round to an absolute value less than 10^3.", e.detail());
        assertEquals((short) 12, assign(new BigDecimal("12.4"), Types.NUMERIC, Types.INT2, -1));
        e = assertThrows(PgException.class, () -> assign(40000, Types.INT4, Types.INT2, -1));
        assertEquals("smallint out of range", e.getMessage());
    }

    @Test
    void assignmentNeedsAnAssignmentCast() {
        PgException e = assertThrows(PgException.class, () -> assign("2020-01-01", Types.TEXT, Types.DATE, -1));
        assertEquals(SqlState.DATATYPE_MISMATCH, e.sqlState());
        assertEquals("column \"c\" is of type date but expression is of type text", e.getMessage());
        assertEquals("2020-01-01", assign(DateTimes.parseDate("2020-01-01", session), Types.DATE, Types.TEXT, -1));
        assertEquals(DateTimes.parseDate("2020-01-01", session), assign("2020-01-01", Types.UNKNOWN, Types.DATE, -1));
    }

    @Test
    void dateTimeCasts() {
        assertEquals('i', Casts.castContext(Types.DATE, Types.TIMESTAMPTZ));
        assertEquals('a', Casts.castContext(Types.TIMESTAMPTZ, Types.TIMESTAMP));
        assertEquals('a', Casts.castContext(Types.TIMESTAMP, Types.DATE));
        assertEquals('e', Casts.castContext(Types.TEXT, Types.DATE));
        session.settings.put("timezone", "Europe/Berlin");
        long tz = DateTimes.parseTimestamptz("2020-07-01 00:30+00", session);
        assertEquals(DateTimes.parseTimestamp("2020-07-01 02:30", session), assign(tz, Types.TIMESTAMPTZ, Types.TIMESTAMP, -1));
        assertEquals(DateTimes.parseDate("2020-07-01", session), assign(tz, Types.TIMESTAMPTZ, Types.DATE, -1));
        long ts = DateTimes.parseTimestamp("2020-01-01 10:00:00.55", session);
        assertEquals(DateTimes.parseTimestamptz("2020-01-01 09:00:00.6+00", session), assign(ts, Types.TIMESTAMP, Types.TIMESTAMPTZ, 1));
        assertEquals(DateTimes.parseTimestamp("2020-01-01 10:00:01", session), assign(ts, Types.TIMESTAMP, Types.TIMESTAMP, 0));
    }

    @Test
    void typmodIn() {
        List<String> warnings = new ArrayList<>();
        assertEquals(6, Types.typmodIn(Types.TIMESTAMP, new int[] {7}, warnings));
        assertEquals(List.of("TIMESTAMP(7) precision reduced to maximum allowed, 6"), warnings);
        assertEquals("TIMESTAMP(-1) WITH TIME ZONE precision must not be negative", assertThrows(PgException.class,
                () -> Types.typmodIn(Types.TIMESTAMPTZ, new int[] {-1}, warnings)).getMessage());
        assertEquals("length for type varchar must be at least 1", assertThrows(PgException.class,
                () -> Types.typmodIn(Types.VARCHAR, new int[] {0}, warnings)).getMessage());
        assertEquals(((5 << 16) | 2) + 4, Types.typmodIn(Types.NUMERIC, new int[] {5, 2}, warnings));
    }
}
