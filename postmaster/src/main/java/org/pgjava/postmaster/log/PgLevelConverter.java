package org.pgjava.postmaster.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback converter {@code %pglevel}: PostgreSQL's severity words for server log lines. INFO is PostgreSQL's
 * LOG, WARN is WARNING, DEBUG/TRACE are DEBUG1/DEBUG2; a message logged with the SLF4J marker named like a
 * PostgreSQL severity ("FATAL", "PANIC") shows that word instead. Used by every pgjava process (the backend
 * JVMs run with the same class path, so they find it by name through logback.xml).
 */
public final class PgLevelConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        if (event.getMarkerList() != null && !event.getMarkerList().isEmpty()) {
            return event.getMarkerList().get(0).getName();
        }
        Level l = event.getLevel();
        if (l == Level.ERROR) {
            return "ERROR";
        }
        if (l == Level.WARN) {
            return "WARNING";
        }
        if (l == Level.INFO) {
            return "LOG";
        }
        if (l == Level.DEBUG) {
            return "DEBUG1";
        }
        return "DEBUG2";
    }
}
