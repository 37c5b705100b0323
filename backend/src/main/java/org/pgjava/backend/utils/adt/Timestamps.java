package org.pgjava.backend.utils.adt;

import java.time.Instant;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.conf.errors.PgException;

/**
 * timestamptz values: PostgreSQL's representation, microseconds since 2000-01-01 00:00:00 UTC in a
 * {@code Long} ({@link Long#MAX_VALUE} is infinity, {@link Long#MIN_VALUE} -infinity), which is also the
 * binary format (int8, big-endian). Text output follows timestamptz_out with DateStyle ISO in the session's
 * TimeZone: {@code 2026-01-01 05:30:00.5+05:30} (fraction without trailing zeros, offset as +HH, +HH:MM or
 * +HH:MM:SS). Entry points: {@link #fromInstant}, {@link #output}; parsing and the other date/time types
 * are in {@link DateTimes}.
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
     * Text output in the session's TimeZone (see {@link DateTimes#formatTimestamptz}).
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
        DateTimes.requireIsoStyle(ctx);
        return DateTimes.formatTimestamptz(v, DateTimes.sessionZone(ctx));
    }
}
