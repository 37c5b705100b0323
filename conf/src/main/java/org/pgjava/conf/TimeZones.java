package org.pgjava.conf;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TimeZone / log_timezone values PostgreSQL accepts, mapped onto java.time:
 * <ol>
 *   <li>a time zone database name in any case ("utc", "Europe/Paris"): shown in its canonical spelling;</li>
 *   <li>a number of hours ("5", "-3.5", as in SET TIME ZONE 5): shown as PostgreSQL shows it, "&lt;+05&gt;-05";</li>
 *   <li>a POSIX offset ("+02:00", "&lt;+03&gt;-03", "XYZ5"): POSIX signs are west-positive, so "+02:00" is
 *       UTC-2, as in PostgreSQL; shown as given. POSIX rules with daylight-saving parts are refused.</li>
 * </ol>
 * Entry points: {@link #normalize(String)} (the value SHOW displays, or null when invalid) and
 * {@link #zoneOf(String)}.
 */
public final class TimeZones {
    private TimeZones() {
    }

    private static final Map<String, String> BY_LOWER = new HashMap<>();

    static {
        for (String id : ZoneId.getAvailableZoneIds()) BY_LOWER.put(id.toLowerCase(Locale.ROOT), id);
        BY_LOWER.put("utc", "UTC");
        BY_LOWER.put("gmt", "GMT");
    }

    private static final Pattern HOURS = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");
    private static final Pattern POSIX = Pattern.compile("(?:<[^<>]+>|[A-Za-z]{3,})?([+-]?)(\\d{1,2})(?::(\\d{1,2})(?::(\\d{1,2}))?)?");

    /** The display form of a valid time zone value, or null when PostgreSQL would reject it. */
    public static String normalize(String value) {
        String v = value.trim();
        String id = BY_LOWER.get(v.toLowerCase(Locale.ROOT));
        if (id != null) return id;
        if (HOURS.matcher(v).matches()) {
            double hours = Double.parseDouble(v);
            long secs = Math.round(hours * 3600);
            if (Math.abs(secs) > 15 * 3600 + 59 * 60) return null;
            long abs = Math.abs(secs);
            String off = String.format("%02d", abs / 3600);
            if (abs % 3600 != 0) off += String.format(":%02d", (abs % 3600) / 60);
            if (abs % 60 != 0) off += String.format(":%02d", abs % 60);
            return "<" + (secs >= 0 ? "+" : "-") + off + ">" + (secs >= 0 ? "-" : "+") + off;
        }
        Matcher m = POSIX.matcher(v);
        if (m.matches() && posixOffset(m) != null) return v;
        return null;
    }

    private static ZoneOffset posixOffset(Matcher m) {
        int h = Integer.parseInt(m.group(2));
        int min = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        int s = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        if (h > 24 || min > 59 || s > 59) return null;
        int west = h * 3600 + min * 60 + s;
        int east = "-".equals(m.group(1)) ? west : -west;
        try {
            return ZoneOffset.ofTotalSeconds(east);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** The java.time zone for a value {@link #normalize} returned; IllegalArgumentException otherwise. */
    public static ZoneId zoneOf(String displayValue) {
        String id = BY_LOWER.get(displayValue.toLowerCase(Locale.ROOT));
        if (id != null) return ZoneId.of(id);
        Matcher m = POSIX.matcher(displayValue);
        if (m.matches()) {
            ZoneOffset o = posixOffset(m);
            if (o != null) return o;
        }
        throw new IllegalArgumentException("not a time zone value: " + displayValue);
    }
}
