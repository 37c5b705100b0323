package org.pgjava.postmaster.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Logback converter {@code %pgpid}: the OS pid of the logging process, as PostgreSQL's {@code %p}. */
public final class ProcessIdConverter extends ClassicConverter {
    private final String pid = Long.toString(ProcessHandle.current().pid());

    @Override
    public String convert(ILoggingEvent event) {
        return pid;
    }
}
