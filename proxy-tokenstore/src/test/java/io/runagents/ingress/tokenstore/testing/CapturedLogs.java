package io.runagents.ingress.tokenstore.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Every log event of every logger at every level, for as long as it is open, and none of them on the console
 * meanwhile. For checking what the store's logs (and the libraries' under it) say.
 */
public final class CapturedLogs implements AutoCloseable {

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    private final List<Logger> levelled = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
    private final ListAppender<ILoggingEvent> capture = new ListAppender<>();

    private CapturedLogs() {
        capture.setContext(context);
        capture.start();
        root.iteratorForAppenders().forEachRemaining(detached::add);
        detached.forEach(root::detachAppender);
        root.addAppender(capture);
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null) {
                levelled.add(logger);
                levels.add(logger.getLevel());
                logger.setLevel(Level.TRACE);
            }
        }
    }

    /** Starts capturing. */
    public static CapturedLogs everything() {
        return new CapturedLogs();
    }

    /** What was logged so far: each event's level, logger, message and stack trace. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        synchronized (capture) {
            for (ILoggingEvent e : capture.list) {
                sb.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(' ')
                        .append(e.getFormattedMessage()).append('\n');
                if (e.getThrowableProxy() != null) {
                    sb.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
                }
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        root.detachAppender(capture);
        capture.stop();
        detached.forEach(root::addAppender);
        for (int i = 0; i < levelled.size(); i++) {
            levelled.get(i).setLevel(levels.get(i));
        }
    }
}
