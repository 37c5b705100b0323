package org.pgjava.backend.utils.adt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.pgjava.backend.executor.FakeSession;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/** date/timestamp/timestamptz input, output, conversions; expected values checked on PostgreSQL 15. */
class DateTimesTest {
    private final FakeSession session = new FakeSession();

    private String date(String in) {
        return DateTimes.formatDate(DateTimes.parseDate(in, session));
    }

    private String ts(String in) {
        return DateTimes.formatTimestamp(DateTimes.parseTimestamp(in, session));
    }

    private String tstz(String in) {
        return DateTimes.formatTimestamptz(DateTimes.parseTimestamptz(in, session), DateTimes.sessionZone(session));
    }

    private PgException error(Runnable r) {
        return assertThrows(PgException.class, r::run);
    }

    @Test
    void dateInputForms() {
        assertEquals("2020-01-01", date("2020-01-01"));
        assertEquals("1999-01-08", date("January 8, 1999"));
        assertEquals("1999-01-08", date("1/8/1999"));
        assertEquals("1999-01-08", date("08-Jan-1999"));
        assertEquals("1999-01-08", date("Jan-08-1999"));
        assertEquals("1999-01-08", date("1999-Jan-08"));
        assertEquals("1999-01-08", date("19990108"));
        assertEquals("1999-01-08", date("990108"));
        assertEquals("1999-01-08", date("1999.008"));
        assertEquals("2020-01-01", date(" 2020-01-01 10:00:00+02 "));
        assertEquals("2020-01-01 BC", date("2020-01-01 BC"));
        assertEquals("4714-11-24 BC", date("4714-11-24 BC"));
        assertEquals("5874897-12-31", date("5874897-12-31"));
        assertEquals("1970-01-01", date("epoch"));
        assertEquals("infinity", date("infinity"));
        assertEquals("-infinity", date("-INFINITY"));
        assertEquals(0, DateTimes.parseDate("2000-01-01", session));
    }

    @Test
    void dateStyleOrder() {
        session.settings.put("datestyle", "ISO, DMY");
        assertEquals("1999-08-01", date("1/8/1999"));
        session.settings.put("datestyle", "ISO, YMD");
        assertEquals("2001-02-03", date("01-02-03"));
    }

    @Test
    void dateErrors() {
        PgException e = error(() -> DateTimes.parseDate("2020-13-01", session));
        assertEquals(SqlState.DATETIME_FIELD_OVERFLOW, e.sqlState());
        assertEquals("date/time field value out of range: \"2020-13-01\"", e.getMessage());
        e = error(() -> DateTimes.parseDate("2020-02-30", session));
        assertEquals("date/time field value out of range: \"2020-02-30\"", e.getMessage());
        e = error(() -> DateTimes.parseDate("foo", session));
        assertEquals(SqlState.INVALID_DATETIME_FORMAT, e.sqlState());
        assertEquals("invalid input syntax for type date: \"foo\"", e.getMessage());
        e = error(() -> DateTimes.parseDate("4714-11-23 BC", session));
        assertEquals("date out of range: \"4714-11-23 BC\"", e.getMessage());
        e = error(() -> DateTimes.parseDate("5874898-01-01", session));
        assertEquals("date out of range: \"5874898-01-01\"", e.getMessage());
        assertEquals(SqlState.INVALID_DATETIME_FORMAT, error(() -> DateTimes.parseDate("", session)).sqlState());
    }

    @Test
    void timestampInput() {
        assertEquals("2020-01-01 10:11:12", ts("2020-01-01T10:11:12"));
        assertEquals("2020-01-01 10:11:12.123457", ts("2020-01-01 10:11:12.1234567"));
        assertEquals("2020-01-02 00:00:00", ts("2020-01-01 24:00"));
        assertEquals("2020-01-01 22:00:00", ts("2020-01-01 10:00 pm"));
        assertEquals("2020-01-01 00:00:00", ts("2020-01-01 12:00 am"));
        assertEquals("2020-01-01 10:00:00", ts("2020-01-01 10:00:00 Europe/Berlin"));
        assertEquals("0044-03-15 12:00:00 BC", ts("0044-03-15 12:00 BC"));
        assertEquals("294276-12-31 23:59:59.999999", ts("294276-12-31 23:59:59.999999"));
        assertEquals("1970-01-01 00:00:00", ts("epoch"));
        assertEquals("invalid input syntax for type timestamp: \"10:00\"",
                error(() -> DateTimes.parseTimestamp("10:00", session)).getMessage());
        assertEquals("date/time field value out of range: \"2020-01-01 25:00\"",
                error(() -> DateTimes.parseTimestamp("2020-01-01 25:00", session)).getMessage());
        assertEquals("timestamp out of range: \"294277-01-01\"",
                error(() -> DateTimes.parseTimestamp("294277-01-01", session)).getMessage());
    }

    @Test
    void timestamptzInputAndZones() {
        assertEquals("2020-01-01 08:00:00+00", tstz("2020-01-01 10:00:00+02"));
        assertEquals("2020-01-01 15:30:00+00", tstz("2020-01-01 10:00:00-05:30"));
        assertEquals("2020-01-01 10:00:00+00", tstz("2020-01-01T10:00:00Z"));
        assertEquals("2020-07-01 08:00:00+00", tstz("2020-07-01 10:00 Europe/Berlin"));
        assertEquals("2020-01-01 15:00:00+00", tstz("2020-01-01 10:00 EST"));
        session.settings.put("timezone", "Europe/Berlin");
        assertEquals("2020-01-01 10:00:00+01", tstz("2020-01-01 10:00"));
        assertEquals("2020-03-29 03:30:00+02", tstz("2020-03-29 02:30"));
        assertEquals("2020-10-25 02:30:00+01", tstz("2020-10-25 02:30"));
        session.settings.put("timezone", "Asia/Kolkata");
        assertEquals("2020-01-01 10:00:00+05:30", tstz("2020-01-01 10:00"));
        PgException e = error(() -> DateTimes.parseTimestamptz("2020-01-01 10:00 +16", session));
        assertEquals(SqlState.INVALID_TIME_ZONE_DISPLACEMENT_VALUE, e.sqlState());
        e = error(() -> DateTimes.parseTimestamptz("2020-01-01 10:00 Mars/Olympus", session));
        assertEquals("time zone \"mars/olympus\" not recognized", e.getMessage());
    }

    @Test
    void relativeWordsUseTheTransactionStart() {
        // FakeSession's transaction started 2024-02-29 12:34:56.789 UTC
        assertEquals("2024-02-29", date("today"));
        assertEquals("2024-03-01", date("tomorrow"));
        assertEquals("2024-02-28", date("yesterday"));
        assertEquals("2024-02-29 12:34:56.789", ts("now"));
        assertEquals("2024-02-29 00:00:00", ts("today"));
    }

    @Test
    void conversionsAndRounding() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        int d = DateTimes.parseDate("2020-01-01", session);
        assertEquals("2019-12-31 23:00:00+00", DateTimes.formatTimestamptz(DateTimes.dateToTimestamptz(d, berlin), ZoneOffset.UTC));
        long t = DateTimes.parseTimestamptz("2020-01-01 00:30+00", session);
        assertEquals("2020-01-01 01:30:00", DateTimes.formatTimestamp(DateTimes.timestamptzToTimestamp(t, berlin)));
        assertEquals(DateTimes.DATE_NOEND, DateTimes.timestampToDate(DateTimes.TS_NOEND));
        assertEquals("2020-01-01 10:00:01", ts2(DateTimes.roundToPrecision(DateTimes.parseTimestamp("2020-01-01 10:00:00.5", session), 0)));
        assertEquals("2020-01-01 10:00:00.5", ts2(DateTimes.roundToPrecision(DateTimes.parseTimestamp("2020-01-01 10:00:00.45", session), 1)));
        assertEquals("0001-01-01 00:00:00 BC", ts2(DateTimes.roundToPrecision(DateTimes.parseTimestamp("0001-01-01 00:00:00.4 BC", session), 0)));
    }

    private static String ts2(long v) {
        return DateTimes.formatTimestamp(v);
    }

    @Test
    void dateArithmetic() {
        int d = DateTimes.parseDate("2020-03-01", session);
        assertEquals("2020-02-29", DateTimes.formatDate(DateTimes.datePlusDays(d, -1)));
        assertEquals(DateTimes.DATE_NOEND, DateTimes.datePlusDays(DateTimes.DATE_NOEND, 1));
        assertEquals("date out of range", error(() -> DateTimes.datePlusDays(DateTimes.parseDate("5874897-12-31", session), 1)).getMessage());
        assertEquals("cannot subtract infinite dates", error(() -> DateTimes.dateMinusDate(DateTimes.DATE_NOEND, d)).getMessage());
        assertEquals("2020-02-29", DateTimes.formatDate(DateTimes.makeDate(2020, 2, 29)));
        assertEquals("0044-03-15 BC", DateTimes.formatDate(DateTimes.makeDate(-44, 3, 15)));
        assertEquals("date field value out of range: 2020-02-30", error(() -> DateTimes.makeDate(2020, 2, 30)).getMessage());
    }

    @Test
    void datePartAndTrunc() {
        long t = DateTimes.parseTimestamp("2020-05-06 07:08:09.5", session);
        assertEquals(2020.0, DateTimes.datePart("year", t, null));
        assertEquals(9.5, DateTimes.datePart("second", t, null));
        assertEquals(9500.0, DateTimes.datePart("milliseconds", t, null));
        assertEquals(1588748889.5, DateTimes.datePart("epoch", t, null));
        assertEquals(3.0, DateTimes.datePart("dow", t, null));
        assertEquals(-1.0, DateTimes.datePart("year", DateTimes.parseTimestamp("0001-01-01 BC", session), null));
        assertEquals(Double.POSITIVE_INFINITY, DateTimes.datePart("year", DateTimes.TS_NOEND, null));
        assertNull(DateTimes.datePart("day", DateTimes.TS_NOEND, null));
        PgException e = error(() -> DateTimes.datePart("foo", t, null));
        assertEquals("unit \"foo\" not recognized for type timestamp without time zone", e.getMessage());
        e = error(() -> DateTimes.datePart("timezone", t, null));
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState());
        assertEquals("2020-05-04 00:00:00", DateTimes.formatTimestamp(DateTimes.dateTrunc("week", t, null)));
        assertEquals("2001-01-01 00:00:00", DateTimes.formatTimestamp(DateTimes.dateTrunc("century", t, null)));
        assertEquals("2020-04-01 00:00:00", DateTimes.formatTimestamp(DateTimes.dateTrunc("quarter", t, null)));
        long z = DateTimes.parseTimestamptz("2020-05-06 07:08:09+00", session);
        assertEquals("2020-05-05 15:00:00+00", DateTimes.formatTimestamptz(
                DateTimes.dateTrunc("day", z, ZoneId.of("Asia/Tokyo")), ZoneOffset.UTC));
    }

    @Test
    void binaryRoundTrip() {
        int d = DateTimes.parseDate("2020-01-02", session);
        byte[] b = TypeIO.send(1082, d);
        assertArrayEquals(new byte[] {0, 0, 0x1c, (byte) 0x8a}, b); // 7306 days
        assertEquals(d, TypeIO.receive(1082, b));
        long t = DateTimes.parseTimestamp("2000-01-01 00:00:01", session);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0x0f, 0x42, 0x40}, TypeIO.send(1114, t));
        assertEquals(t, TypeIO.receive(1114, TypeIO.send(1114, t)));
        assertEquals(SqlState.DATETIME_FIELD_OVERFLOW, error(() -> TypeIO.receive(1082, new byte[] {0x7f, (byte) 0xff, (byte) 0xff, 0})).sqlState());
    }
}
