package org.pgjava.backend.utils.adt;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * date, timestamp and timestamptz values as PostgreSQL 15 represents them (integer_datetimes):
 * <ul>
 *   <li>date: an {@code Integer}, days since 2000-01-01; {@link #DATE_NOBEGIN} ({@link Integer#MIN_VALUE})
 *       is -infinity, {@link #DATE_NOEND} ({@link Integer#MAX_VALUE}) infinity. Valid dates run from
 *       4714-11-24 BC to 5874897-12-31. Binary: int4 big-endian.</li>
 *   <li>timestamp: a {@code Long}, microseconds since 2000-01-01 00:00:00 (no zone); {@link Long#MIN_VALUE}
 *       -infinity, {@link Long#MAX_VALUE} infinity; 4714-11-24 00:00 BC to 294276-12-31 23:59:59.999999.
 *       Binary: int8 big-endian.</li>
 *   <li>timestamptz: the same, counted from 2000-01-01 00:00:00 UTC; shown in the session's TimeZone.</li>
 * </ul>
 * The calendar is the proleptic Gregorian one with year 0 = 1 BC (as java.time's ISO chronology).
 *
 * <p>Text input ({@link #parseDate}, {@link #parseTimestamp}, {@link #parseTimestamptz}) follows
 * PostgreSQL's datetime decoder for the forms clients use: ISO 8601 ({@code 2020-01-02 03:04:05.6},
 * {@code 2020-01-02T03:04:05Z}), {@code YYYYMMDD}, numeric dates in the DateStyle field order (MDY, DMY,
 * YMD), month names ({@code January 8, 1999}, {@code 08-Jan-1999}, {@code 1999-Jan-08}), year.day-of-year,
 * AM/PM, BC/AD, zones as offsets ({@code +02}, {@code -0530}, {@code +05:30}), {@code Z}/UTC/GMT, common
 * abbreviations (EST, CET, ...), and IANA names ({@code Europe/Berlin}, any case), and the special words
 * epoch, infinity, -infinity, now, today, tomorrow, yesterday. Errors: 22007 "invalid input syntax for
 * type date: ..." for text it cannot read, 22008 "date/time field value out of range: ..." for impossible
 * fields, 22008 "date out of range: ..."/"timestamp out of range: ..." beyond the type's range.
 *
 * <p>Text output is DateStyle ISO: {@code 2020-01-02}, {@code 2020-01-02 03:04:05.6},
 * {@code 2020-01-02 03:04:05.6+01} (offset +HH, +HH:MM or +HH:MM:SS), years before 1 AD as
 * {@code 0044-03-15 BC}. Other DateStyles answer 0A000.
 *
 * <p>Also: conversions among the three types ({@link #dateToTimestamp}, {@link #timestampToTimestamptz},
 * ...), typmod rounding ({@link #roundToPrecision}), {@link #datePart}, {@link #dateTrunc}.
 */
public final class DateTimes {
    private DateTimes() {
    }

    public static final int DATE_NOBEGIN = Integer.MIN_VALUE;
    public static final int DATE_NOEND = Integer.MAX_VALUE;
    public static final long TS_NOBEGIN = Long.MIN_VALUE;
    public static final long TS_NOEND = Long.MAX_VALUE;

    public static final long USECS_PER_SEC = 1_000_000L;
    public static final long USECS_PER_DAY = 86_400_000_000L;
    /** Julian day number of 2000-01-01 (POSTGRES_EPOCH_JDATE). */
    static final int POSTGRES_EPOCH_JDATE = 2_451_545;
    /** java.time epoch day (days since 1970-01-01) of 2000-01-01. */
    static final long EPOCH_DAY_2000 = 10_957;
    /** Julian day of 5874898-01-01 (DATE_END_JULIAN): first date past the range. */
    static final int DATE_END_JULIAN = 2_147_483_494;
    /** Julian day of 294277-01-01 (TIMESTAMP_END_JULIAN). */
    static final int TIMESTAMP_END_JULIAN = 109_203_528;
    /** First valid timestamp: 4714-11-24 00:00:00 BC (MIN_TIMESTAMP). */
    public static final long MIN_TIMESTAMP = -211_813_488_000_000_000L;
    /** First timestamp past the range: 294277-01-01 00:00:00 (END_TIMESTAMP). */
    public static final long END_TIMESTAMP = 9_223_371_331_200_000_000L;
    /** Seconds from 1970-01-01 to 2000-01-01. */
    static final long PG_EPOCH_SECONDS = 946_684_800L;

    /** Which of the three types a text is read as (their messages and rules differ). */
    public enum Kind {
        DATE("date"), TIMESTAMP("timestamp"), TIMESTAMPTZ("timestamp with time zone");

        final String sqlName;

        Kind(String sqlName) {
            this.sqlName = sqlName;
        }
    }

    // ------------------------------------------------------------------ calendar helpers

    /** Days since 2000-01-01 of a proleptic Gregorian year (0 = 1 BC), month, day; no range check. */
    public static long daysOf(long year, int month, int day) {
        return LocalDate.of((int) year, month, day).toEpochDay() - EPOCH_DAY_2000;
    }

    /** The calendar date of a finite date value. */
    public static LocalDate toLocalDate(int date) {
        return LocalDate.ofEpochDay(date + EPOCH_DAY_2000);
    }

    /** The wall-clock date and time of a finite timestamp value. */
    public static LocalDateTime toLocalDateTime(long ts) {
        long days = Math.floorDiv(ts, USECS_PER_DAY);
        long time = Math.floorMod(ts, USECS_PER_DAY);
        return LocalDateTime.of(LocalDate.ofEpochDay(days + EPOCH_DAY_2000),
                java.time.LocalTime.ofNanoOfDay(time * 1000));
    }

    /** The timestamp value of a wall-clock date and time (microsecond precision); no range check. */
    public static long fromLocalDateTime(LocalDateTime t) {
        return (t.toLocalDate().toEpochDay() - EPOCH_DAY_2000) * USECS_PER_DAY + t.toLocalTime().toNanoOfDay() / 1000;
    }

    /** The timestamptz value of a Java instant (microsecond precision, truncated). */
    public static long fromInstant(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond() - PG_EPOCH_SECONDS, USECS_PER_SEC), t.getNano() / 1000);
    }

    /** The instant of a finite timestamptz value. */
    public static Instant toInstant(long tstz) {
        return Instant.ofEpochSecond(Math.floorDiv(tstz, USECS_PER_SEC) + PG_EPOCH_SECONDS, Math.floorMod(tstz, USECS_PER_SEC) * 1000);
    }

    /** True for a date within PostgreSQL's range (or ±infinity). */
    public static boolean isValidDate(long date) {
        if (date == DATE_NOBEGIN || date == DATE_NOEND) {
            return true;
        }
        long jd = date + POSTGRES_EPOCH_JDATE;
        return jd >= 0 && jd < DATE_END_JULIAN;
    }

    /** True for a timestamp within PostgreSQL's range (or ±infinity). */
    public static boolean isValidTimestamp(long ts) {
        return ts == TS_NOBEGIN || ts == TS_NOEND || (ts >= MIN_TIMESTAMP && ts < END_TIMESTAMP);
    }

    // ------------------------------------------------------------------ session

    /**
     * The session's TimeZone as a java.time zone: IANA names (any case), UTC/GMT/Z, and POSIX-style
     * offsets as PostgreSQL reads them in SET TimeZone ('+02' meaning UTC+2 in ISO sign convention as
     * PostgreSQL shows it; 'UTC+3' POSIX = UTC-3). UTC when there is no session.
     *
     * @throws PgException 0A000 for a setting Java cannot interpret
     */
    public static ZoneId sessionZone(SessionContext ctx) {
        if (ctx == null) {
            return ZoneOffset.UTC;
        }
        String tz = ctx.setting("TimeZone");
        ZoneId z = zoneByName(tz);
        if (z == null) {
            throw PgException.notSupported("time zone \"" + tz + "\" is not supported yet");
        }
        return z;
    }

    private static volatile Map<String, String> zoneNames;

    /** The IANA zone, fixed abbreviation or offset a zone name denotes (case-insensitive), or null. */
    static ZoneId zoneByName(String name) {
        String t = name.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        Integer abbrev = ABBREVIATIONS.get(lower);
        if (abbrev != null) {
            return ZoneOffset.ofTotalSeconds(abbrev);
        }
        if (!t.isEmpty() && (t.charAt(0) == '+' || t.charAt(0) == '-' || Character.isDigit(t.charAt(0)))) {
            // SET TimeZone = '+02' / '-5' / '2': POSIX sign (positive = west of Greenwich)
            try {
                String n = t.charAt(0) == '+' || t.charAt(0) == '-' ? t : "+" + t;
                int secs = parseOffsetDigits(n.substring(1));
                return secs < 0 ? null : ZoneOffset.ofTotalSeconds(n.charAt(0) == '-' ? secs : -secs);
            } catch (DateTimeException e) {
                return null;
            }
        }
        Map<String, String> names = zoneNames;
        if (names == null) {
            Map<String, String> m = new HashMap<>();
            for (String id : ZoneId.getAvailableZoneIds()) {
                m.put(id.toLowerCase(Locale.ROOT), id);
            }
            names = Map.copyOf(m);
            zoneNames = names;
        }
        String id = names.get(lower);
        if (id == null) {
            return null;
        }
        return ZoneId.of(id);
    }

    /** {@link #zoneByName}, or 22023 'time zone "x" not recognized'. */
    public static ZoneId zoneByNameOrError(String name) {
        ZoneId z = zoneByName(name);
        if (z == null) {
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "time zone \"" + name + "\" not recognized");
        }
        return z;
    }

    /**
     * make_date(year, month, day): negative years are BC. @throws PgException 22008 "date field value out of
     * range: Y-MM-DD" or "date out of range: Y-MM-DD"
     */
    public static int makeDate(int year, int month, int day) {
        boolean bc = year < 0;
        long y = Math.abs((long) year);
        String shown = y + "-" + (month < 10 && month >= 0 ? "0" : "") + month + "-" + (day < 10 && day >= 0 ? "0" : "") + day;
        if (y == 0 || month < 1 || month > 12 || day < 1 || day > java.time.YearMonth.of((int) Math.min(y, 999_999_999), month).lengthOfMonth()) {
            throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "date field value out of range: " + shown);
        }
        long py = bc ? 1 - y : y;
        long days = py < -4713 || py > 5874897 ? Long.MAX_VALUE : daysOf(py, month, day);
        if (days == Long.MAX_VALUE || !isValidDate(days) || days == DATE_NOBEGIN || days == DATE_NOEND) {
            throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "date out of range: " + shown);
        }
        return (int) days;
    }

    /** Seconds of an offset written HH, HHMM, HH:MM or HH:MM:SS, or -1 when malformed. */
    private static int parseOffsetDigits(String s) {
        int h;
        int m = 0;
        int sec = 0;
        String[] parts = s.split(":", -1);
        try {
            for (String p : parts) {
                if (p.isEmpty() || !p.chars().allMatch(Character::isDigit) || p.length() > 4) {
                    return -1;
                }
            }
            if (parts.length == 1) {
                String p = parts[0];
                if (p.length() <= 2) {
                    h = Integer.parseInt(p);
                } else {
                    h = Integer.parseInt(p.substring(0, p.length() - 2));
                    m = Integer.parseInt(p.substring(p.length() - 2));
                }
            } else if (parts.length <= 3) {
                h = Integer.parseInt(parts[0]);
                m = Integer.parseInt(parts[1]);
                if (parts.length == 3) {
                    sec = Integer.parseInt(parts[2]);
                }
            } else {
                return -1;
            }
        } catch (NumberFormatException e) {
            return -1;
        }
        if (m > 59 || sec > 59) {
            return -2;
        }
        return h * 3600 + m * 60 + sec;
    }

    /** Time zone abbreviations of PostgreSQL's "Default" set that clients commonly write, in seconds east of UTC. */
    private static final Map<String, Integer> ABBREVIATIONS = Map.ofEntries(
            Map.entry("utc", 0), Map.entry("gmt", 0), Map.entry("ut", 0), Map.entry("z", 0), Map.entry("zulu", 0),
            Map.entry("est", -5 * 3600), Map.entry("edt", -4 * 3600), Map.entry("cst", -6 * 3600),
            Map.entry("cdt", -5 * 3600), Map.entry("mst", -7 * 3600), Map.entry("mdt", -6 * 3600),
            Map.entry("pst", -8 * 3600), Map.entry("pdt", -7 * 3600), Map.entry("akst", -9 * 3600),
            Map.entry("akdt", -8 * 3600), Map.entry("hst", -10 * 3600), Map.entry("wet", 0),
            Map.entry("west", 3600), Map.entry("bst", 3600), Map.entry("cet", 3600), Map.entry("cest", 7200),
            Map.entry("met", 3600), Map.entry("mest", 7200), Map.entry("eet", 7200), Map.entry("eest", 3 * 3600),
            Map.entry("msk", 3 * 3600), Map.entry("jst", 9 * 3600), Map.entry("kst", 9 * 3600),
            Map.entry("aest", 10 * 3600), Map.entry("aedt", 11 * 3600), Map.entry("nzst", 12 * 3600),
            Map.entry("nzdt", 13 * 3600));

    // ------------------------------------------------------------------ input

    /** date_in. @throws PgException 22007, 22008 as PostgreSQL */
    public static int parseDate(String s, SessionContext ctx) {
        Parsed p = decode(s, Kind.DATE, ctx);
        if (p.special != null) {
            return switch (p.special) {
                case "infinity" -> DATE_NOEND;
                case "-infinity" -> DATE_NOBEGIN;
                case "epoch" -> (int) -EPOCH_DAY_2000;
                default -> {
                    int today = timestamptzToDate(ctx.transactionStartTimestamp(), sessionZone(ctx));
                    yield today + ("tomorrow".equals(p.special) ? 1 : "yesterday".equals(p.special) ? -1 : 0);
                }
            };
        }
        long days = p.days();
        if (!isValidDate(days) || days == DATE_NOBEGIN || days == DATE_NOEND) {
            throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "date out of range: \"" + s + "\"");
        }
        return (int) days;
    }

    /** timestamp_in (any zone in the text is ignored, as PostgreSQL does). @throws PgException 22007, 22008 */
    public static long parseTimestamp(String s, SessionContext ctx) {
        Parsed p = decode(s, Kind.TIMESTAMP, ctx);
        if (p.special != null) {
            return switch (p.special) {
                case "infinity" -> TS_NOEND;
                case "-infinity" -> TS_NOBEGIN;
                case "epoch" -> -EPOCH_DAY_2000 * USECS_PER_DAY;
                case "now" -> timestamptzToTimestamp(ctx.transactionStartTimestamp(), sessionZone(ctx));
                default -> dateToTimestamp(parseDate(s, ctx));
            };
        }
        long ts = p.localMicros(s, Kind.TIMESTAMP);
        if (!isValidTimestamp(ts) || ts == TS_NOBEGIN || ts == TS_NOEND) {
            throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "timestamp out of range: \"" + s + "\"");
        }
        return ts;
    }

    /**
     * timestamptz_in: a zone in the text wins, else the session's TimeZone (a local time in a
     * daylight-saving gap moves forward by the gap, an ambiguous one is read as standard time, the later
     * instant, as PostgreSQL). @throws PgException 22007, 22008, 22009
     */
    public static long parseTimestamptz(String s, SessionContext ctx) {
        Parsed p = decode(s, Kind.TIMESTAMPTZ, ctx);
        if (p.special != null) {
            return switch (p.special) {
                case "infinity" -> TS_NOEND;
                case "-infinity" -> TS_NOBEGIN;
                case "epoch" -> -EPOCH_DAY_2000 * USECS_PER_DAY;
                case "now" -> ctx.transactionStartTimestamp();
                default -> dateToTimestamptz(parseDate(s, ctx), sessionZone(ctx));
            };
        }
        long local = p.localMicros(s, Kind.TIMESTAMPTZ);
        if (!isValidTimestamp(local) || local == TS_NOBEGIN || local == TS_NOEND) {
            throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "timestamp out of range: \"" + s + "\"");
        }
        long ts;
        if (p.offsetSeconds != null) {
            ts = local - p.offsetSeconds * USECS_PER_SEC;
        } else {
            ts = localToTimestamptz(local, p.zone != null ? p.zone : sessionZone(ctx));
        }
        if (!isValidTimestamp(ts) || ts == TS_NOBEGIN || ts == TS_NOEND) {
            throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "timestamp out of range: \"" + s + "\"");
        }
        return ts;
    }

    /** What the decoder found in a text. */
    private static final class Parsed {
        String special;
        Long year;
        Integer month;
        Integer day;
        boolean yearTwoDigits;
        Integer dayOfYear;
        boolean bc;
        int hour = -1;
        int minute;
        int second;
        long micros;
        int ampm; // 0 none, 1 am, 2 pm
        Integer offsetSeconds;
        ZoneId zone;
        boolean numericMonth;
        String text;
        Kind kind;

        long days() {
            long y = year;
            if (yearTwoDigits && !bc) {
                y += y < 70 ? 2000 : 1900;
            }
            if (bc) {
                if (y <= 0) {
                    throw fieldOverflow(text, false);
                }
                y = 1 - y;
            } else if (y <= 0) {
                throw fieldOverflow(text, false);
            }
            // the Julian-day range first, as PostgreSQL's IS_VALID_JULIAN
            if (y < -4713 || (y == -4713 && (month < 11 || (month == 11 && day < 24))) || y > 5874897) {
                throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW,
                        (kind == Kind.DATE ? "date" : "timestamp") + " out of range: \"" + text + "\"");
            }
            if (dayOfYear != null) {
                int maxDoy = java.time.Year.isLeap(y) ? 366 : 365;
                if (dayOfYear < 1 || dayOfYear > maxDoy) {
                    throw fieldOverflow(text, false);
                }
                return daysOf(y, 1, 1) + dayOfYear - 1;
            }
            if (month < 1 || month > 12) {
                throw fieldOverflow(text, numericMonth);
            }
            if (day < 1 || day > java.time.YearMonth.of((int) y, month).lengthOfMonth()) {
                throw fieldOverflow(text, false);
            }
            return daysOf(y, month, day);
        }

        long localMicros(String s, Kind k) {
            long d = days();
            int h = hour < 0 ? 0 : hour;
            if (ampm != 0) {
                if (h < 0 || h > 12) {
                    throw fieldOverflow(s, false);
                }
                if (ampm == 1 && h == 12) {
                    h = 0;
                } else if (ampm == 2 && h != 12) {
                    h += 12;
                }
            }
            long time = ((h * 60L + minute) * 60 + second) * USECS_PER_SEC + micros;
            if (h > 24 || minute > 59 || second > 60 || time > USECS_PER_DAY) {
                throw fieldOverflow(s, false);
            }
            if (d > (TIMESTAMP_END_JULIAN - POSTGRES_EPOCH_JDATE)) {
                throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "timestamp out of range: \"" + s + "\"");
            }
            return d * USECS_PER_DAY + time;
        }
    }

    private static PgException invalidSyntax(String s, Kind k) {
        return PgException.error(SqlState.INVALID_DATETIME_FORMAT, "invalid input syntax for type " + k.sqlName + ": \"" + s + "\"");
    }

    private static PgException fieldOverflow(String s, boolean datestyleHint) {
        PgException e = PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "date/time field value out of range: \"" + s + "\"");
        return datestyleHint ? e.withHint("Perhaps you need a different \"datestyle\" setting.") : e;
    }

    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    private static final String[] MONTH_NAMES = {"january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december"};
    private static final String[] DAY_NAMES = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};

    /** 1..12 for a month name or PostgreSQL abbreviation (jan, sept, ...), else 0. */
    private static int monthOf(String w) {
        for (int i = 0; i < 12; i++) {
            if (w.equals(MONTHS[i]) || w.equals(MONTH_NAMES[i])) {
                return i + 1;
            }
        }
        return w.equals("sept") ? 9 : 0;
    }

    private static boolean isDayName(String w) {
        for (String d : DAY_NAMES) {
            if (w.equals(d) || w.equals(d.substring(0, 3))) {
                return true;
            }
        }
        return w.equals("tues") || w.equals("wednes") || w.equals("thur") || w.equals("thurs");
    }

    /** Field order of numeric dates from the DateStyle setting: "MDY", "DMY" or "YMD". */
    private static String dateOrder(SessionContext ctx) {
        if (ctx == null) {
            return "MDY";
        }
        String st = ctx.setting("DateStyle").toUpperCase(Locale.ROOT);
        if (st.contains("DMY") || st.contains("EURO")) {
            return "DMY";
        }
        if (st.contains("YMD")) {
            return "YMD";
        }
        return "MDY";
    }

    private static Parsed decode(String s, Kind kind, SessionContext ctx) {
        Parsed p = new Parsed();
        p.text = s;
        p.kind = kind;
        String lower = s.strip().toLowerCase(Locale.ROOT);
        switch (lower) {
            case "infinity", "+infinity", "-infinity", "epoch", "now", "today", "tomorrow", "yesterday" -> {
                if (kind == Kind.DATE && lower.equals("now")) {
                    p.special = "today";
                } else {
                    p.special = lower.equals("+infinity") ? "infinity" : lower;
                }
                return p;
            }
            default -> {
            }
        }
        List<Integer> looseNumbers = new ArrayList<>();
        List<Integer> looseDigits = new ArrayList<>();
        boolean haveDate = false;
        boolean haveTime = false;
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || c == ',') {
                i++;
                continue;
            }
            if (c >= '0' && c <= '9') {
                int st = i;
                while (i < n && isDigit(s.charAt(i))) {
                    i++;
                }
                if (i < n && s.charAt(i) == ':') {
                    // time field
                    while (i < n && (isDigit(s.charAt(i)) || s.charAt(i) == ':' || s.charAt(i) == '.')) {
                        i++;
                    }
                    if (haveTime) {
                        throw invalidSyntax(s, kind);
                    }
                    decodeTime(s.substring(st, i), p, s, kind);
                    haveTime = true;
                } else if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '/' || s.charAt(i) == '.') && !haveDate
                        && i + 1 < n && Character.isLetterOrDigit(s.charAt(i + 1))) {
                    char delim = s.charAt(i);
                    List<String> parts = new ArrayList<>();
                    parts.add(s.substring(st, i));
                    while (i < n && s.charAt(i) == delim && i + 1 < n && Character.isLetterOrDigit(s.charAt(i + 1))) {
                        i++;
                        int ps = i;
                        if (isDigit(s.charAt(i))) {
                            while (i < n && isDigit(s.charAt(i))) {
                                i++;
                            }
                        } else {
                            while (i < n && Character.isLetter(s.charAt(i))) {
                                i++;
                            }
                        }
                        parts.add(s.substring(ps, i));
                    }
                    decodeDateParts(parts, delim, p, s, kind, ctx);
                    haveDate = true;
                } else if (i < n && s.charAt(i) == '.' && haveTime) {
                    throw invalidSyntax(s, kind);
                } else {
                    String digits = s.substring(st, i);
                    if (!haveDate && (digits.length() == 8 || digits.length() == 6) && looseNumbers.isEmpty() && !haveTime) {
                        int off = digits.length() == 8 ? 4 : 2;
                        p.year = Long.parseLong(digits.substring(0, off));
                        p.yearTwoDigits = off == 2;
                        p.month = Integer.parseInt(digits.substring(off, off + 2));
                        p.numericMonth = true;
                        p.day = Integer.parseInt(digits.substring(off + 2));
                        haveDate = true;
                    } else {
                        if (digits.length() > 9) {
                            throw fieldOverflow(s, false);
                        }
                        looseNumbers.add(Integer.parseInt(digits));
                        looseDigits.add(digits.length());
                    }
                }
                continue;
            }
            if (c == '+' || c == '-') {
                int st = i;
                i++;
                if (i < n && Character.isLetter(s.charAt(i))) {
                    throw invalidSyntax(s, kind);
                }
                while (i < n && (isDigit(s.charAt(i)) || s.charAt(i) == ':')) {
                    i++;
                }
                if (!(haveTime || haveDate) || p.offsetSeconds != null || p.zone != null) {
                    throw invalidSyntax(s, kind);
                }
                int secs = parseOffsetDigits(s.substring(st + 1, i));
                if (secs == -1) {
                    throw invalidSyntax(s, kind);
                }
                if (secs == -2) {
                    throw fieldOverflow(s, false);
                }
                if (secs > 15 * 3600 + 59 * 60 + 59) {
                    throw PgException.error(SqlState.INVALID_TIME_ZONE_DISPLACEMENT_VALUE,
                            "time zone displacement out of range: \"" + s + "\"");
                }
                p.offsetSeconds = c == '-' ? -secs : secs;
                continue;
            }
            if (Character.isLetter(c)) {
                int st = i;
                while (i < n && (Character.isLetter(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '/')) {
                    i++;
                }
                String word = s.substring(st, i);
                if (word.indexOf('/') >= 0) {
                    while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || "_/+-".indexOf(s.charAt(i)) >= 0)) {
                        i++;
                    }
                    word = s.substring(st, i);
                }
                String w = word.toLowerCase(Locale.ROOT);
                if (monthOf(w) != 0 && !haveDate && i + 1 < n && (s.charAt(i) == '-' || s.charAt(i) == '/')
                        && Character.isDigit(s.charAt(i + 1))) {
                    // Jan-08-1999: a date field that starts with the month's name
                    char delim = s.charAt(i);
                    List<String> parts = new ArrayList<>();
                    parts.add(word);
                    while (i < n && s.charAt(i) == delim && i + 1 < n && isDigit(s.charAt(i + 1))) {
                        i++;
                        int ps = i;
                        while (i < n && isDigit(s.charAt(i))) {
                            i++;
                        }
                        parts.add(s.substring(ps, i));
                    }
                    decodeDateParts(parts, delim, p, s, kind, ctx);
                    haveDate = true;
                    continue;
                }
                if (w.equals("t") && i < n && isDigit(s.charAt(i)) && haveDate && !haveTime) {
                    continue; // ISO 8601 date/time separator
                }
                if (w.endsWith(".")) {
                    w = w.substring(0, w.length() - 1);
                }
                if (i < n && s.charAt(i) == '.') {
                    i++; // "Jan." abbreviations
                }
                int m = monthOf(w);
                if (m != 0) {
                    if (p.month != null) {
                        throw invalidSyntax(s, kind);
                    }
                    p.month = m;
                } else if (isDayName(w)) {
                    // day of week: ignored, as PostgreSQL
                } else if (w.equals("am") || w.equals("a.m")) {
                    p.ampm = 1;
                } else if (w.equals("pm") || w.equals("p.m")) {
                    p.ampm = 2;
                } else if (w.equals("bc")) {
                    p.bc = true;
                } else if (w.equals("ad")) {
                    p.bc = false;
                } else if (w.equals("allballs")) {
                    if (haveTime) {
                        throw invalidSyntax(s, kind);
                    }
                    p.hour = 0;
                    haveTime = true;
                } else {
                    if (p.offsetSeconds != null || p.zone != null) {
                        throw invalidSyntax(s, kind);
                    }
                    Integer abbrev = ABBREVIATIONS.get(w);
                    if (abbrev != null) {
                        p.offsetSeconds = abbrev;
                    } else {
                        ZoneId z = word.indexOf('/') >= 0 || word.length() > 4 ? zoneByName(word) : null;
                        if (z == null) {
                            if (word.indexOf('/') >= 0) {
                                throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "time zone \""
                                        + word.toLowerCase(Locale.ROOT) + "\" not recognized");
                            }
                            throw invalidSyntax(s, kind);
                        }
                        p.zone = z;
                    }
                }
                continue;
            }
            throw invalidSyntax(s, kind);
        }
        // loose numbers with a month name: day and year
        if (!looseNumbers.isEmpty()) {
            if (p.month == null || haveDate) {
                throw invalidSyntax(s, kind);
            }
            for (int k = 0; k < looseNumbers.size(); k++) {
                int v = looseNumbers.get(k);
                int digits = looseDigits.get(k);
                if (p.day == null && digits <= 2 && !(p.year == null && k == looseNumbers.size() - 1 && looseNumbers.size() == 1)) {
                    p.day = v;
                } else if (p.year == null) {
                    p.year = (long) v;
                    p.yearTwoDigits = digits <= 2;
                } else if (p.day == null) {
                    p.day = v;
                } else {
                    throw invalidSyntax(s, kind);
                }
            }
            if (p.year == null || p.day == null) {
                throw invalidSyntax(s, kind);
            }
            haveDate = true;
        }
        if (!haveDate) {
            throw invalidSyntax(s, kind);
        }
        if (p.month == null && p.dayOfYear == null) {
            throw invalidSyntax(s, kind);
        }
        return p;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static void decodeDateParts(List<String> parts, char delim, Parsed p, String s, Kind kind, SessionContext ctx) {
        if (delim == '.' && parts.size() == 2 && parts.get(0).length() >= 3 && isNumber(parts.get(1))) {
            p.year = Long.parseLong(parts.get(0));
            p.dayOfYear = Integer.parseInt(parts.get(1));
            return;
        }
        if (parts.size() != 3) {
            throw invalidSyntax(s, kind);
        }
        int textMonth = -1;
        for (int k = 0; k < 3; k++) {
            if (!isNumber(parts.get(k))) {
                if (textMonth >= 0 || monthOf(parts.get(k).toLowerCase(Locale.ROOT)) == 0) {
                    throw invalidSyntax(s, kind);
                }
                textMonth = k;
            }
        }
        String y;
        String m;
        String d;
        if (textMonth == 0) {
            m = parts.get(0);
            d = parts.get(1);
            y = parts.get(2);
        } else if (textMonth == 1) {
            m = parts.get(1);
            if (parts.get(0).length() >= 3 || dateOrder(ctx).equals("YMD")) {
                y = parts.get(0);
                d = parts.get(2);
            } else {
                d = parts.get(0);
                y = parts.get(2);
            }
        } else if (textMonth == 2) {
            throw invalidSyntax(s, kind);
        } else if (parts.get(0).length() >= 3) {
            y = parts.get(0);
            m = parts.get(1);
            d = parts.get(2);
        } else {
            switch (dateOrder(ctx)) {
                case "DMY" -> {
                    d = parts.get(0);
                    m = parts.get(1);
                    y = parts.get(2);
                }
                case "YMD" -> {
                    y = parts.get(0);
                    m = parts.get(1);
                    d = parts.get(2);
                }
                default -> {
                    m = parts.get(0);
                    d = parts.get(1);
                    y = parts.get(2);
                }
            }
        }
        if (y.length() > 9 || m.length() > 9 || d.length() > 9) {
            throw fieldOverflow(s, false);
        }
        p.year = Long.parseLong(y);
        p.yearTwoDigits = y.length() <= 2;
        if (isNumber(m)) {
            p.month = Integer.parseInt(m);
            p.numericMonth = true;
        } else {
            p.month = monthOf(m.toLowerCase(Locale.ROOT));
        }
        p.day = Integer.parseInt(d);
    }

    private static boolean isNumber(String t) {
        return !t.isEmpty() && t.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }

    private static void decodeTime(String t, Parsed p, String s, Kind kind) {
        String[] parts = t.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw invalidSyntax(s, kind);
        }
        String last = parts[parts.length - 1];
        String frac = null;
        int dot = last.indexOf('.');
        if (dot >= 0) {
            frac = last.substring(dot + 1);
            last = last.substring(0, dot);
            parts[parts.length - 1] = last;
            if (!isNumber(frac) && !frac.isEmpty()) {
                throw invalidSyntax(s, kind);
            }
        }
        for (String part : parts) {
            if (!isNumber(part) || part.length() > 9) {
                throw invalidSyntax(s, kind);
            }
        }
        p.hour = Integer.parseInt(parts[0]);
        p.minute = Integer.parseInt(parts[1]);
        p.second = parts.length == 3 ? Integer.parseInt(parts[2]) : 0;
        if (frac != null && !frac.isEmpty()) {
            // rint to microseconds, as PostgreSQL's ParseFractionalSecond
            double f = Double.parseDouble("0." + frac);
            long us = Math.round(Math.rint(f * 1e6));
            if (parts.length == 2) {
                // HH:MM.fff means minutes and fractional seconds? PostgreSQL reads MM:SS.fff here only with
                // an explicit "minute to second" context; as a timestamp field it is hours:minutes.fraction
                throw invalidSyntax(s, kind);
            }
            p.micros = us;
        }
    }

    // ------------------------------------------------------------------ output

    /** date_out with DateStyle ISO. */
    public static String formatDate(int date) {
        if (date == DATE_NOBEGIN) {
            return "-infinity";
        }
        if (date == DATE_NOEND) {
            return "infinity";
        }
        LocalDate d = toLocalDate(date);
        StringBuilder sb = new StringBuilder(16);
        appendDate(sb, d.getYear(), d.getMonthValue(), d.getDayOfMonth());
        if (d.getYear() <= 0) {
            sb.append(" BC");
        }
        return sb.toString();
    }

    /** timestamp_out with DateStyle ISO. */
    public static String formatTimestamp(long ts) {
        if (ts == TS_NOBEGIN) {
            return "-infinity";
        }
        if (ts == TS_NOEND) {
            return "infinity";
        }
        LocalDateTime t = toLocalDateTime(ts);
        StringBuilder sb = new StringBuilder(32);
        appendDateTime(sb, t, Math.floorMod(ts, USECS_PER_SEC));
        if (t.getYear() <= 0) {
            sb.append(" BC");
        }
        return sb.toString();
    }

    /** timestamptz_out with DateStyle ISO in the given zone. */
    public static String formatTimestamptz(long ts, ZoneId zone) {
        if (ts == TS_NOBEGIN) {
            return "-infinity";
        }
        if (ts == TS_NOEND) {
            return "infinity";
        }
        long secs = Math.floorDiv(ts, USECS_PER_SEC) + PG_EPOCH_SECONDS;
        ZoneOffset off = zone.getRules().getOffset(Instant.ofEpochSecond(secs));
        LocalDateTime t = LocalDateTime.ofEpochSecond(secs, 0, off);
        StringBuilder sb = new StringBuilder(32);
        appendDateTime(sb, t, Math.floorMod(ts, USECS_PER_SEC));
        appendOffset(sb, off.getTotalSeconds());
        if (t.getYear() <= 0) {
            sb.append(" BC");
        }
        return sb.toString();
    }

    /** Checks DateStyle is ISO (the only output style built). @throws PgException 0A000 otherwise */
    public static void requireIsoStyle(SessionContext ctx) {
        if (ctx == null) {
            return;
        }
        String style = ctx.setting("DateStyle");
        if (!style.regionMatches(true, 0, "ISO", 0, 3)) {
            throw PgException.notSupported("date/time output with DateStyle " + style + " is not supported yet");
        }
    }

    private static void appendOffset(StringBuilder sb, int o) {
        sb.append(o < 0 ? '-' : '+');
        o = Math.abs(o);
        pad(sb, o / 3600, 2);
        if (o % 3600 != 0) {
            sb.append(':');
            pad(sb, o / 60 % 60, 2);
            if (o % 60 != 0) {
                sb.append(':');
                pad(sb, o % 60, 2);
            }
        }
    }

    private static void appendDate(StringBuilder sb, int year, int month, int day) {
        pad(sb, year <= 0 ? 1 - year : year, 4).append('-');
        pad(sb, month, 2).append('-');
        pad(sb, day, 2);
    }

    private static void appendDateTime(StringBuilder sb, LocalDateTime t, long micros) {
        appendDate(sb, t.getYear(), t.getMonthValue(), t.getDayOfMonth());
        sb.append(' ');
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2);
        if (micros != 0) {
            StringBuilder f = new StringBuilder();
            pad(f, (int) micros, 6);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(f, 0, end);
        }
    }

    private static StringBuilder pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }

    // ------------------------------------------------------------------ conversions

    /** date to timestamp (midnight). @throws PgException 22008 "date out of range for timestamp" */
    public static long dateToTimestamp(int date) {
        if (date == DATE_NOBEGIN) {
            return TS_NOBEGIN;
        }
        if (date == DATE_NOEND) {
            return TS_NOEND;
        }
        if (date >= TIMESTAMP_END_JULIAN - POSTGRES_EPOCH_JDATE) {
            throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "date out of range for timestamp");
        }
        return date * USECS_PER_DAY;
    }

    /** date to timestamptz: midnight in the zone. @throws PgException 22008 "date out of range for timestamp" */
    public static long dateToTimestamptz(int date, ZoneId zone) {
        long ts = dateToTimestamp(date);
        if (ts == TS_NOBEGIN || ts == TS_NOEND) {
            return ts;
        }
        long r = localToTimestamptz(ts, zone);
        if (!isValidTimestamp(r)) {
            throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "date out of range for timestamp");
        }
        return r;
    }

    /** timestamp to date (drops the time). */
    public static int timestampToDate(long ts) {
        if (ts == TS_NOBEGIN) {
            return DATE_NOBEGIN;
        }
        if (ts == TS_NOEND) {
            return DATE_NOEND;
        }
        return (int) Math.floorDiv(ts, USECS_PER_DAY);
    }

    /** timestamptz to date in the zone. */
    public static int timestamptzToDate(long ts, ZoneId zone) {
        return timestampToDate(timestamptzToTimestamp(ts, zone));
    }

    /** timestamp (wall clock in the zone) to timestamptz. @throws PgException 22008 timestamp out of range */
    public static long timestampToTimestamptz(long ts, ZoneId zone) {
        if (ts == TS_NOBEGIN || ts == TS_NOEND) {
            return ts;
        }
        long r = localToTimestamptz(ts, zone);
        if (!isValidTimestamp(r)) {
            throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "timestamp out of range");
        }
        return r;
    }

    /** timestamptz to the wall-clock timestamp in the zone. @throws PgException 22008 timestamp out of range */
    public static long timestamptzToTimestamp(long ts, ZoneId zone) {
        if (ts == TS_NOBEGIN || ts == TS_NOEND) {
            return ts;
        }
        long secs = Math.floorDiv(ts, USECS_PER_SEC) + PG_EPOCH_SECONDS;
        int off = zone.getRules().getOffset(Instant.ofEpochSecond(secs)).getTotalSeconds();
        long r = ts + off * USECS_PER_SEC;
        if (!isValidTimestamp(r)) {
            throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "timestamp out of range");
        }
        return r;
    }

    /** A wall-clock time in a zone as an instant (gap: forward by the gap; overlap: the later instant). */
    static long localToTimestamptz(long local, ZoneId zone) {
        if (zone instanceof ZoneOffset o) {
            return local - o.getTotalSeconds() * USECS_PER_SEC;
        }
        LocalDateTime t = toLocalDateTime(local);
        ZonedDateTime z = ZonedDateTime.ofLocal(t, zone, null).withLaterOffsetAtOverlap();
        // in a gap ofLocal moved the wall clock forward by the gap length
        return fromLocalDateTime(z.toLocalDateTime()) - z.getOffset().getTotalSeconds() * USECS_PER_SEC;
    }

    /**
     * AdjustTimestampForTypmod: rounds a timestamp/timestamptz to {@code precision} fractional digits
     * (0..6; half away from zero); infinities unchanged. @throws PgException 22008 timestamp out of range
     */
    public static long roundToPrecision(long ts, int precision) {
        if (ts == TS_NOBEGIN || ts == TS_NOEND || precision < 0 || precision >= 6) {
            return ts;
        }
        long scale = 1;
        for (int i = precision; i < 6; i++) {
            scale *= 10;
        }
        long offset = scale / 2;
        long r = ts >= 0 ? ((ts + offset) / scale) * scale : -((((-ts) + offset) / scale) * scale);
        if (!isValidTimestamp(r)) {
            throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "timestamp out of range");
        }
        return r;
    }

    // ------------------------------------------------------------------ arithmetic

    /** date + integer days. @throws PgException 22008 "date out of range" */
    public static int datePlusDays(int date, long days) {
        if (date == DATE_NOBEGIN || date == DATE_NOEND) {
            return date;
        }
        long r = date + days;
        if (r == DATE_NOBEGIN || r == DATE_NOEND || !isValidDate(r)) {
            throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "date out of range");
        }
        return (int) r;
    }

    /** date - date in days. @throws PgException 22008 "cannot subtract infinite dates" */
    public static int dateMinusDate(int a, int b) {
        if (a == DATE_NOBEGIN || a == DATE_NOEND || b == DATE_NOBEGIN || b == DATE_NOEND) {
            throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "cannot subtract infinite dates");
        }
        return a - b;
    }

    // ------------------------------------------------------------------ date_part / date_trunc

    private static String unitName(String unit) {
        String u = unit.strip().toLowerCase(Locale.ROOT);
        return switch (u) {
            case "microsecond", "microseconds", "us", "usec", "usecs", "useconds" -> "microseconds";
            case "millisecond", "milliseconds", "ms", "msec", "msecs", "mseconds" -> "milliseconds";
            case "second", "seconds", "s", "sec", "secs" -> "second";
            case "minute", "minutes", "m", "min", "mins" -> "minute";
            case "hour", "hours", "h", "hr", "hrs" -> "hour";
            case "day", "days", "d" -> "day";
            case "week", "weeks", "w" -> "week";
            case "month", "months", "mon", "mons" -> "month";
            case "quarter", "qtr" -> "quarter";
            case "year", "years", "y", "yr", "yrs" -> "year";
            case "decade", "decades", "dec", "decs" -> "decade";
            case "century", "centuries", "c", "cent" -> "century";
            case "millennium", "millennia", "mil", "mils", "millenniums" -> "millennium";
            case "epoch" -> "epoch";
            case "dow" -> "dow";
            case "isodow" -> "isodow";
            case "doy" -> "doy";
            case "isoyear" -> "isoyear";
            case "julian", "j" -> "julian";
            case "timezone", "tz" -> "timezone";
            case "timezone_h", "timezone_hour" -> "timezone_hour";
            case "timezone_m", "timezone_minute" -> "timezone_minute";
            default -> null;
        };
    }

    /**
     * date_part(unit, timestamp or timestamptz) as PostgreSQL 15's float8 version. For timestamptz pass the
     * session zone (fields are of the local time, timezone* of its offset); for timestamp pass null.
     * Infinite inputs give ±Infinity for the monotonic units and null for the others.
     *
     * @throws PgException 22023 unit not recognized, 0A000 unit not supported for the type
     */
    public static Double datePart(String unit, long ts, ZoneId zone) {
        String typeName = zone == null ? "timestamp without time zone" : "timestamp with time zone";
        String u = unitName(unit);
        if (u == null) {
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "unit \"" + unit + "\" not recognized for type " + typeName);
        }
        boolean tzUnit = u.startsWith("timezone");
        if (tzUnit && zone == null) {
            throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "unit \"" + unit + "\" not supported for type " + typeName);
        }
        if (ts == TS_NOBEGIN || ts == TS_NOEND) {
            return switch (u) {
                case "year", "decade", "century", "millennium", "julian", "isoyear", "epoch" ->
                        ts == TS_NOEND ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                default -> null;
            };
        }
        int offset = 0;
        long local = ts;
        if (zone != null) {
            offset = zone.getRules().getOffset(toInstant(ts)).getTotalSeconds();
            local = ts + offset * USECS_PER_SEC;
        }
        if (u.equals("epoch")) {
            return ts / 1e6 + (double) PG_EPOCH_SECONDS;
        }
        LocalDateTime t = toLocalDateTime(local);
        long micros = Math.floorMod(local, USECS_PER_SEC);
        int year = t.getYear();
        return switch (u) {
            case "microseconds" -> (double) (t.getSecond() * USECS_PER_SEC + micros);
            case "milliseconds" -> t.getSecond() * 1000.0 + micros / 1000.0;
            case "second" -> t.getSecond() + micros / 1e6;
            case "minute" -> (double) t.getMinute();
            case "hour" -> (double) t.getHour();
            case "day" -> (double) t.getDayOfMonth();
            case "month" -> (double) t.getMonthValue();
            case "quarter" -> (double) ((t.getMonthValue() - 1) / 3 + 1);
            case "week" -> (double) t.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            case "year" -> (double) (year > 0 ? year : year - 1);
            case "decade" -> (double) (year >= 0 ? year / 10 : -((8 - (year - 1)) / 10));
            case "century" -> (double) (year > 0 ? (year + 99) / 100 : -((99 - (year - 1)) / 100));
            case "millennium" -> (double) (year > 0 ? (year + 999) / 1000 : -((999 - (year - 1)) / 1000));
            case "dow" -> (double) (t.getDayOfWeek().getValue() % 7);
            case "isodow" -> (double) t.getDayOfWeek().getValue();
            case "doy" -> (double) t.getDayOfYear();
            case "isoyear" -> {
                int iy = t.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR);
                yield (double) (iy > 0 ? iy : iy - 1);
            }
            case "julian" -> (t.toLocalDate().toEpochDay() + 2_440_588)
                    + (Math.floorMod(local, USECS_PER_DAY)) / (double) USECS_PER_DAY;
            case "timezone" -> (double) offset;
            case "timezone_hour" -> (double) (offset / 3600);
            case "timezone_minute" -> (double) (offset / 60 % 60);
            default -> throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED,
                    "unit \"" + unit + "\" not supported for type " + typeName);
        };
    }

    /**
     * date_trunc(unit, timestamp) on the wall-clock value; for timestamptz pass the zone (the truncation
     * happens in local time and the result is converted back), for timestamp null.
     *
     * @throws PgException 22023 unit not recognized, 0A000 unit not supported
     */
    public static long dateTrunc(String unit, long ts, ZoneId zone) {
        String typeName = zone == null ? "timestamp without time zone" : "timestamp with time zone";
        String u = unitName(unit);
        if (u == null) {
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "unit \"" + unit + "\" not recognized for type " + typeName);
        }
        if (ts == TS_NOBEGIN || ts == TS_NOEND) {
            return ts;
        }
        long local = zone == null ? ts : timestamptzToTimestamp(ts, zone);
        LocalDateTime t = toLocalDateTime(local);
        int year = t.getYear();
        LocalDateTime r = switch (u) {
            case "microseconds" -> t;
            case "milliseconds" -> t.withNano(t.getNano() / 1_000_000 * 1_000_000);
            case "second" -> t.withNano(0);
            case "minute" -> t.withNano(0).withSecond(0);
            case "hour" -> t.toLocalDate().atTime(t.getHour(), 0);
            case "day" -> t.toLocalDate().atStartOfDay();
            case "week" -> t.toLocalDate().minusDays(t.getDayOfWeek().getValue() - 1).atStartOfDay();
            case "month" -> t.toLocalDate().withDayOfMonth(1).atStartOfDay();
            case "quarter" -> LocalDate.of(year, (t.getMonthValue() - 1) / 3 * 3 + 1, 1).atStartOfDay();
            case "year" -> LocalDate.of(year, 1, 1).atStartOfDay();
            case "decade" -> LocalDate.of(year > 0 ? year / 10 * 10 : -((8 - (year - 1)) / 10) * 10, 1, 1).atStartOfDay();
            case "century" -> LocalDate.of(year > 0 ? ((year + 99) / 100 - 1) * 100 + 1
                    : -((99 - (year - 1)) / 100) * 100 + 1, 1, 1).atStartOfDay();
            case "millennium" -> LocalDate.of(year > 0 ? ((year + 999) / 1000 - 1) * 1000 + 1
                    : -((999 - (year - 1)) / 1000) * 1000 + 1, 1, 1).atStartOfDay();
            default -> throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED,
                    "unit \"" + unit + "\" not supported for type " + typeName);
        };
        long res = u.equals("microseconds") ? local : fromLocalDateTime(r);
        if (zone != null) {
            return timestampToTimestamptz(res, zone);
        }
        return res;
    }
}
