package org.pgjava.backend.utils.adt;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.conf.errors.PgException;

/**
 * timestamptz values: PostgreSQL's representation, microseconds since 2000-01-01 00:00:00 UTC in a
 * {@code Long} ({@link Long#MAX_VALUE} is infinity, {@link Long#MIN_VALUE} -infinity), which is also the
 * binary format (int8, big-endian). Text output follows timestamptz_out with DateStyle ISO in the session's
 * TimeZone: {@code 2026-01-01 05:30:00.5+05:30} (fraction without trailing zeros, offset as +HH, +HH:MM or
 * +HH:MM:SS). Entry points: {@link #fromInstant}, {@link #output}. Text input is not built (0A000).
 */
public final class Timestamps {
    /** Seconds from 1970-01-01 to 2000-01-01 (PostgreSQL's epoch). */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;

    private Timestamps() {
    }

    /** The timestamptz value of a Java instant. */
    public static long fromInstant(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond() - PG_EPOCH_SECONDS, 1_000_000L), t.getNano() / 1000);
    }

    /**
     * Text output in the session's TimeZone.
     *
     * @throws PgException 0A000 for a DateStyle other than ISO or a TimeZone Java cannot interpret
     */
    public static String output(long v, SessionContext ctx) {
        if (v == Long.MAX_VALUE) {
            return "infinity";
        }
        if (v == Long.MIN_VALUE) {
            return "-infinity";
        }
        String style = ctx.setting("DateStyle");
        if (!style.regionMatches(true, 0, "ISO", 0, 3)) {
            throw PgException.notSupported("timestamptz output with DateStyle " + style + " is not supported yet");
        }
        ZoneId zone;
        String tz = ctx.setting("TimeZone");
        try {
            zone = ZoneId.of(tz);
        } catch (DateTimeException e) {
            throw PgException.notSupported("time zone \"" + tz + "\" is not supported yet");
        }
        long secs = Math.floorDiv(v, 1_000_000L) + PG_EPOCH_SECONDS;
        int micros = (int) Math.floorMod(v, 1_000_000L);
        Instant at = Instant.ofEpochSecond(secs);
        ZoneOffset off = zone.getRules().getOffset(at);
        LocalDateTime t = LocalDateTime.ofEpochSecond(secs, 0, off);
        StringBuilder sb = new StringBuilder(32);
        int year = t.getYear();
        boolean bc = year <= 0;
        pad(sb, bc ? 1 - year : year, 4).append('-');
        pad(sb, t.getMonthValue(), 2).append('-');
        pad(sb, t.getDayOfMonth(), 2).append(' ');
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2);
        if (micros != 0) {
            StringBuilder f = new StringBuilder();
            pad(f, micros, 6);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(f, 0, end);
        }
        int o = off.getTotalSeconds();
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
        if (bc) {
            sb.append(" BC");
        }
        return sb.toString();
    }

    private static StringBuilder pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }
}
