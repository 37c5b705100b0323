package org.pgjava.postmaster.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Logback set-up for every pgjava process (postmaster and backends share the class path and find this
 * class through META-INF/services): lines to stderr in PostgreSQL's default format,
 * {@code 2026-11-21 14:00:00.123 UTC [12345] LOG:  message}. Configured in code rather than logback.xml
 * because parsing XML costs a backend JVM hundreds of milliseconds at start.
 *
 * <p>Severity words: INFO is PostgreSQL's LOG, WARN is WARNING, ERROR is ERROR, DEBUG is DEBUG1; an event
 * with an SLF4J marker shows the marker's name instead (the postmaster logs FATAL this way). The root
 * level comes from system property {@code pgjava.log.level} (default INFO); Netty logs WARN and above.
 */
public final class ServerLogConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ServerLogLayout layout = new ServerLogLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty("pgjava.log.level", "INFO"), Level.INFO));
        root.addAppender(appender);
        context.getLogger("io.netty").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** One PostgreSQL-style line per event. */
    static final class ServerLogLayout extends LayoutBase<ILoggingEvent> {
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'").withZone(ZoneOffset.UTC);
        private final String pid = Long.toString(ProcessHandle.current().pid());

        @Override
        public String doLayout(ILoggingEvent e) {
            StringBuilder b = new StringBuilder(128);
            b.append(TIME.format(Instant.ofEpochMilli(e.getTimeStamp()))).append(" [").append(pid).append("] ")
                    .append(severity(e)).append(":  ").append(e.getFormattedMessage()).append('\n');
            IThrowableProxy t = e.getThrowableProxy();
            if (t != null) {
                b.append(ThrowableProxyUtil.asString(t)).append('\n');
            }
            return b.toString();
        }

        static String severity(ILoggingEvent e) {
            if (e.getMarkerList() != null && !e.getMarkerList().isEmpty()) {
                return e.getMarkerList().get(0).getName();
            }
            Level l = e.getLevel();
            if (l == Level.ERROR) {
                return "ERROR";
            }
            if (l == Level.WARN) {
                return "WARNING";
            }
            if (l == Level.INFO) {
                return "LOG";
            }
            return l == Level.DEBUG ? "DEBUG1" : "DEBUG2";
        }
    }
}
