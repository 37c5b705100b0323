package org.pgjava.backend.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.util.List;

import org.pgjava.backend.executor.ResultColumn;
import org.pgjava.backend.nodes.RawStatement;
import org.pgjava.backend.tcop.ActivityReporter;
import org.pgjava.backend.tcop.ActivitySource;
import org.pgjava.backend.tcop.Portal;
import org.pgjava.backend.tcop.PreparedStatementEntry;
import org.pgjava.backend.tcop.Session;
import org.pgjava.backend.tcop.TransactionStatus;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.backend.utils.adt.TypeIO;
import org.pgjava.catalog.BuiltinType;
import org.pgjava.conf.Settings;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message loop of one client session: PostgreSQL's tcop/postgres.c protocol side (PostgresMain's loop,
 * exec_simple_query, exec_parse/bind/describe/execute_message, the skip-till-Sync error recovery) and
 * printtup, over {@link FrontendMessageReader} / {@link BackendMessageWriter}. Every piece of session state
 * (settings, transaction block, prepared statements, portals, utility statements, planning and running)
 * belongs to the traffic cop, {@link Session}; this class reads and validates messages, calls the session,
 * and encodes what comes back (RowDescription, DataRow via {@link TypeIO}, ParameterDescription,
 * CommandComplete, notices, errors, ParameterStatus, ReadyForQuery). docs/protocol/README.md draws the flows.
 *
 * <p>Entry point: {@code new PostgresMain(channel, startup, serverSettings, pid, listener).run()}, called by
 * the backend process main once per client. {@link #run()} serves the client until Terminate, end of stream
 * or a FATAL error, never throws, closes the channel, and says whether the process may serve another
 * client. All session state lives in this instance and its {@link Session} and is dropped with them.
 *
 * <p>Interrupts: the process main may call {@link #requestCancel()} (a CancelRequest matched this backend)
 * or {@link #requestTerminate()} (SIGTERM) from another thread; they set the session's volatile flags, acted
 * on by {@link SessionContext#checkForInterrupts()}, which the executor calls regularly: 57014 {@code
 * canceling statement due to user request}, or FATAL 57P01 {@code terminating connection due to
 * administrator command}. A cancel that arrives while the session is idle is forgotten, as in PostgreSQL. A
 * blocking read is not interrupted by these flags: to end an idle session the process main closes the
 * channel.
 *
 * <p>Not thread-safe apart from those two methods: one thread runs a session.
 */
public final class PostgresMain {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresMain.class);

    /** PQ_SMALL_MESSAGE_LIMIT: Sync, Flush, Terminate, Describe, Close, Execute, CopyDone, CopyFail. */
    public static final int SMALL_MESSAGE_LIMIT = 10000;
    /** PQ_LARGE_MESSAGE_LIMIT (MaxAllocSize - 1): Query, Parse, Bind, FunctionCall, CopyData. */
    public static final int LARGE_MESSAGE_LIMIT = 0x3fffffff - 1;

    private final ClientChannel channel;
    private final StartupInfo startup;
    private final int backendPid;
    private final SessionStatusListener listener;

    private final BackendMessageWriter out;
    private final FrontendMessageReader in;
    private final Session session;
    private final Session.ReportedSettingSink parameterStatusSink;
    private final Session.NoticeSink noticeSink;

    private String encodingName = "UTF8";
    private int largeMessageLimit = LARGE_MESSAGE_LIMIT;
    private boolean doingExtendedQuery;
    private boolean ignoreTillSync;
    private boolean sendReadyForQuery;
    private boolean internalErrorSeen;
    private String lastActivity;

    /**
     * @param channel        the authenticated client's byte stream (the session closes it when it ends)
     * @param startup        identity and StartupMessage parameters from the postmaster
     * @param serverSettings base values (postgresql.conf + command line); copied, never modified
     * @param backendPid     this process's pid, sent in BackendKeyData and shown by pg_backend_pid()
     * @param listener       told about activity changes (process title)
     */
    public PostgresMain(ClientChannel channel, StartupInfo startup, Settings serverSettings, int backendPid,
                        SessionStatusListener listener) {
        this.channel = channel;
        this.startup = startup;
        this.backendPid = backendPid;
        this.listener = listener;
        this.out = new BackendMessageWriter(channel);
        this.in = new FrontendMessageReader(channel, this::flushBeforeRead);
        this.session = new Session(startup.user(), startup.database(), startup.roleOid(), startup.databaseOid(),
                startup.superuser(), backendPid, startup.parameters(), serverSettings);
        this.parameterStatusSink = out::parameterStatus;
        this.noticeSink = out::errorOrNotice;
    }

    /**
     * Lowers the length limit for the large message types (tests use a small one); the default is
     * PostgreSQL's 1 GB. A message above its limit ends the session. Call before {@link #run()}.
     */
    public void setLargeMessageLimit(int bytes) {
        this.largeMessageLimit = Math.max(SMALL_MESSAGE_LIMIT, bytes);
    }

    /**
     * Connects the session to the shared segment's activity: {@code source} is what pg_stat_activity reads
     * (the status array's snapshot), {@code reporter} where this session reports its own state (its status
     * slot). Without it pg_stat_activity is not available and nothing is reported. Call before {@link #run()},
     * on the thread that runs it.
     */
    public void attachActivity(ActivitySource source, ActivityReporter reporter) {
        session.attachActivity(source, reporter);
    }

    /**
     * Lets pg_cancel_backend / pg_terminate_backend signal other backends found in {@code source};
     * {@code superuserRole} tells whether a role OID is a superuser's. Call before {@link #run()}.
     */
    public void attachSignals(ActivitySource source, java.util.function.IntPredicate superuserRole) {
        session.attachSignals(source, superuserRole);
    }

    /**
     * Connects the session to this process's storage ({@code Session.attachStorage}): every transaction
     * becomes a storage transaction. Call before {@link #run()}, on the thread that runs it.
     */
    public void attachStorage(org.pgjava.backend.access.ProcessStorage storage) {
        session.attachStorage(storage);
        this.storage = storage;
    }

    /** This process's storage once attached: where a WAL or data-file sync failure becomes a PANIC. */
    private org.pgjava.backend.access.ProcessStorage storage;

    /**
     * A failed WAL write or sync, or a failed data-file fsync, reaching the session's top level from
     * anywhere (not only through the heap and transaction code): PANIC through the storage's handler,
     * which ends the process at once (crash-restart). Never retried, never reported as an ordinary error.
     */
    private void panicIfStorageFailure(Throwable t) {
        if (storage != null && (t instanceof org.pgjava.backend.access.wal.WalPanicError
                || t instanceof org.pgjava.backend.storage.smgr.DataSyncFailedError)) {
            throw storage.panic((Error) t);
        }
    }

    /** The traffic cop's session this message loop drives (for the process's composition root). */
    public Session session() {
        return session;
    }

    /** Asks the running statement to stop with 57014 at its next interrupt check. Thread-safe. */
    public void requestCancel() {
        session.requestCancel();
    }

    /** Asks the session to end with FATAL 57P01 at its next interrupt check. Thread-safe. */
    public void requestTerminate() {
        session.requestTerminate();
    }

    /** The executor's view of this session. */
    public SessionContext sessionContext() {
        return session.context();
    }

    /**
     * Serves the client to the end; never throws. Closes the channel before returning.
     *
     * @return how the session ended and whether this process may serve another client
     */
    public SessionEnd run() {
        SessionEnd end;
        try {
            end = serve();
        } catch (Throwable t) {
            panicIfStorageFailure(t);
            LOG.error("session failed unexpectedly", t);
            end = new SessionEnd(SessionEnd.Reason.FATAL, false);
        }
        try {
            session.release();
        } catch (Throwable t) {
            panicIfStorageFailure(t);
            LOG.error("cleaning up the session failed", t);
            end = new SessionEnd(end.reason(), false);
        }
        try {
            out.flush();
        } catch (Throwable ignored) {
            // the client is gone; nothing more to say
        }
        channel.close();
        return end;
    }

    // =====================================================================================================
    // startup and the message loop

    private SessionEnd serve() {
        try {
            startupSession();
        } catch (PgException e) {
            return fatal(e.withSeverity(Severity.FATAL));
        } catch (IOException e) {
            return new SessionEnd(SessionEnd.Reason.CLIENT_DISCONNECTED, false);
        }
        sendReadyForQuery = true;
        for (;;) {
            try {
                SessionEnd end = serveOneMessage();
                if (end != null) return end;
            } catch (FrontendMessageReader.MessageLengthException e) {
                // The stream is out of sync. PostgreSQL only logs this (COMMERROR) and closes; pgjava also
                // tells the client why (docs/protocol/README.md rule 4).
                LOG.warn("invalid message length {}", e.length());
                return fatal(PgException.fatal(SqlState.PROTOCOL_VIOLATION, "invalid message length"));
            } catch (EOFException e) {
                LOG.info("{}", e.getMessage());
                return new SessionEnd(SessionEnd.Reason.CLIENT_DISCONNECTED, false);
            } catch (IOException e) {
                LOG.info("could not communicate with the client: {}", e.toString());
                return new SessionEnd(SessionEnd.Reason.CLIENT_DISCONNECTED, false);
            } catch (SessionEndsException e) {
                return e.end;
            }
        }
    }

    /** Sends AuthenticationOk, applies the startup parameters, reports settings, sends BackendKeyData. */
    private void startupSession() throws IOException {
        out.authenticationOk();
        session.applyStartupParameters();
        syncClientEncoding();
        session.takeChangedReportedSettings(parameterStatusSink);
        out.backendKeyData(backendPid, startup.cancelSecret());
    }

    /**
     * After ReadyForQuery: waits for the client's next message within idle_in_transaction_session_timeout
     * (inside a transaction block) or idle_session_timeout (outside), as PostgreSQL arms them only when it
     * has sent ReadyForQuery. Returns the FATAL to end the session with when the time passes, else null.
     */
    private PgException awaitNextMessage(TransactionStatus status) throws IOException {
        boolean inBlock = status != TransactionStatus.IDLE;
        int ms = session.idleTimeoutMillis(inBlock);
        if (ms <= 0 || in.hasBufferedInput() || channel.awaitReadable(ms)) {
            return null;
        }
        return inBlock
                ? PgException.fatal(SqlState.IDLE_IN_TRANSACTION_SESSION_TIMEOUT,
                        "terminating connection due to idle-in-transaction timeout")
                : PgException.fatal(SqlState.IDLE_SESSION_TIMEOUT, "terminating connection due to idle-session timeout");
    }

    /**
     * Reads and processes one message (PostgresMain's loop body).
     *
     * @return non-null when the session ends
     */
    private SessionEnd serveOneMessage() throws IOException {
        doingExtendedQuery = false;
        if (sendReadyForQuery) {
            session.takeChangedReportedSettings(parameterStatusSink);
            TransactionStatus status = session.transactionStatus();
            out.readyForQuery(status.statusByte());
            out.flush();
            sendReadyForQuery = false;
            activity(status.idleActivity());
            PgException idleTimeout = awaitNextMessage(status);
            if (idleTimeout != null) {
                return fatal(idleTimeout);
            }
        }
        int type = in.readType();
        session.forgetCancel();   // a cancel that arrived while idle is forgotten, as in PostgreSQL
        if (type < 0) {
            boolean inTransaction = session.inTransaction();
            if (inTransaction) LOG.info("unexpected EOF on client connection with an open transaction");
            return new SessionEnd(SessionEnd.Reason.CLIENT_DISCONNECTED, !inTransaction && !internalErrorSeen);
        }
        int maxLength;
        switch (type) {
            case 'Q', 'F', 'd' -> maxLength = largeMessageLimit;
            case 'X' -> {
                maxLength = SMALL_MESSAGE_LIMIT;
                ignoreTillSync = false;
            }
            case 'P', 'B' -> {
                maxLength = largeMessageLimit;
                doingExtendedQuery = true;
            }
            case 'C', 'D', 'E', 'H' -> {
                maxLength = SMALL_MESSAGE_LIMIT;
                doingExtendedQuery = true;
            }
            case 'S' -> {
                maxLength = SMALL_MESSAGE_LIMIT;
                ignoreTillSync = false;
            }
            case 'c', 'f' -> maxLength = SMALL_MESSAGE_LIMIT;
            default -> {
                return fatal(PgException.fatal(SqlState.PROTOCOL_VIOLATION, "invalid frontend message type " + type));
            }
        }
        in.readBody(maxLength);
        if (ignoreTillSync) return null;
        try {
            switch (type) {
                case 'Q' -> {
                    String query = in.getString();
                    in.end();
                    execSimpleQuery(query);
                    sendReadyForQuery = true;
                }
                case 'P' -> {
                    session.enableStatementTimeout();   // runs from the first query message until Execute completes or Sync
                    execParse();
                }
                case 'B' -> {
                    session.enableStatementTimeout();
                    execBind();
                }
                case 'E' -> {
                    session.enableStatementTimeout();
                    execExecute();
                    session.disableStatementTimeout();
                }
                case 'D' -> {
                    session.enableStatementTimeout();
                    execDescribe();
                }
                case 'C' -> execClose();
                case 'S' -> {
                    in.end();
                    session.disableStatementTimeout();
                    session.finishCommand();
                    syncClientEncoding();
                    sendReadyForQuery = true;
                }
                case 'H' -> {
                    in.end();
                    out.flush();
                }
                case 'F' -> {
                    in.skipRest();
                    session.startCommand();
                    if (session.isAborted()) throw Session.transactionAbortedError();
                    sendReadyForQuery = true;
                    throw PgException.notSupported("fastpath function calls are not supported");
                }
                case 'd', 'c', 'f' -> {
                    // CopyData / CopyDone / CopyFail outside COPY: ignored, so a client can leave COPY-in cleanly
                    in.skipRest();
                }
                case 'X' -> {
                    boolean clean = !session.inTransaction() && !internalErrorSeen;
                    return new SessionEnd(SessionEnd.Reason.TERMINATE_MESSAGE, clean);
                }
                default -> throw new IllegalStateException("unreachable");
            }
        } catch (PgException e) {
            if (e.severity().ordinal() >= Severity.FATAL.ordinal()) return fatal(e);
            recoverFromError(e.severity().isError() ? e : e.withSeverity(Severity.ERROR));
        } catch (StackOverflowError e) {
            recoverFromError(PgException.error(SqlState.STATEMENT_TOO_COMPLEX, "stack depth limit exceeded")
                    .withHint("Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), "
                            + "after ensuring the platform's stack depth limit is adequate."));
        } catch (OutOfMemoryError e) {
            internalErrorSeen = true;
            recoverFromError(PgException.error(SqlState.OUT_OF_MEMORY, "out of memory"));
        } catch (RuntimeException e) {
            internalErrorSeen = true;
            LOG.error("internal error", e);
            recoverFromError(PgException.error(SqlState.INTERNAL_ERROR,
                    e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
        }
        return null;
    }

    /** The error-recovery block of PostgresMain: report, abort the transaction, maybe skip till Sync. */
    private void recoverFromError(PgException e) throws IOException {
        out.abandon();
        try {
            sendNotices();   // warnings raised before the error still reach the client, as in PostgreSQL
        } catch (PgException ignored) {
            session.discardNotices();
        }
        session.disableStatementTimeout();
        session.abortCurrentTransaction();
        syncClientEncoding();
        out.errorOrNotice(e);
        out.flush();
        if (doingExtendedQuery) {
            ignoreTillSync = true;
        } else {
            sendReadyForQuery = true;
        }
    }

    /** Reports a FATAL error, if the client can still hear it, and ends the session. */
    private SessionEnd fatal(PgException e) {
        try {
            out.abandon();
            out.errorOrNotice(e);
            out.flush();
        } catch (IOException | RuntimeException ignored) {
            // the client is gone
        }
        return new SessionEnd(SessionEnd.Reason.FATAL, false);
    }

    private void flushBeforeRead() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new SessionEndsException(new SessionEnd(SessionEnd.Reason.CLIENT_DISCONNECTED, false));
        }
    }

    /** Thrown out of the read hook when the connection broke while flushing. */
    private static final class SessionEndsException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient SessionEnd end;

        SessionEndsException(SessionEnd end) {
            super(null, null, false, false);
            this.end = end;
        }
    }

    // =====================================================================================================
    // simple query

    /**
     * exec_simple_query: parses the string, runs each statement in turn (one implicit transaction block when
     * there are several), sending RowDescription/DataRow/CommandComplete per statement, or
     * EmptyQueryResponse for no statement. Drops the unnamed statement and portal first.
     *
     * @throws PgException the first error; the statements after it do not run
     */
    private void execSimpleQuery(String query) throws IOException {
        List<RawStatement> parsed = session.beginSimpleQuery(query);
        if (parsed.isEmpty()) {
            out.empty('I');
            return;
        }
        boolean implicitBlock = parsed.size() > 1;
        for (int i = 0; i < parsed.size(); i++) {
            RawStatement raw = parsed.get(i);
            session.enableStatementTimeout();   // PostgreSQL 13+: per statement of a multi-statement Query
            session.startStatement(raw, implicitBlock);
            activity(Session.activityOf(query, raw));
            Portal portal = session.prepareSimpleStatement(query, raw);
            try {
                PreparedStatementEntry stmt = portal.statement();
                if (stmt.returnsRows()) out.rowDescription(stmt.columns(), null);
                String tag = runPortal(portal, 0);
                session.finishStatement(raw, i == parsed.size() - 1, implicitBlock);
                session.disableStatementTimeout();
                syncClientEncoding();
                if (tag != null) out.commandComplete(tag);
            } finally {
                portal.close();
            }
        }
        session.finishCommand();
    }

    // =====================================================================================================
    // extended query

    /**
     * Parse: analyzes one statement and stores it under its name (the unnamed one is replaced), then
     * ParseComplete. Errors: those of {@link Session#parse}.
     */
    private void execParse() throws IOException {
        String name = in.getString();
        String query = in.getString();
        int numParams = in.getInt16() & 0xffff;
        int[] types = new int[numParams];
        for (int i = 0; i < numParams; i++) types[i] = in.getInt32();
        in.end();
        session.parse(name, query, types);
        out.empty('1');
    }

    /**
     * Bind: converts the parameters (text via TypeIO.input in the client encoding, binary via
     * TypeIO.receive), finishes planning, expands the result formats (0/1/n rule) and creates the portal,
     * then BindComplete. Errors: PostgreSQL's 08P01 count mismatches, 26000, 42P03, 22023, 25P02, and the
     * conversion errors with the "portal parameter $n" context.
     */
    private void execBind() throws IOException {
        String portalName = in.getString();
        String stmtName = in.getString();
        PreparedStatementEntry stmt = session.lookupStatement(stmtName);

        int numFormats = in.getInt16() & 0xffff;
        short[] paramFormats = new short[numFormats];
        for (int i = 0; i < numFormats; i++) paramFormats[i] = in.getInt16();
        int numParams = in.getInt16() & 0xffff;
        if (numFormats > 1 && numFormats != numParams) {
            throw PgException.error(SqlState.PROTOCOL_VIOLATION,
                    "bind message has " + numFormats + " parameter formats but " + numParams + " parameters");
        }
        int[] types = stmt.paramTypes();
        if (numParams != types.length) {
            throw PgException.error(SqlState.PROTOCOL_VIOLATION, "bind message supplies " + numParams
                    + " parameters, but prepared statement \"" + stmtName + "\" requires " + types.length);
        }
        session.startBind(portalName, stmt, numParams);

        SessionContext context = session.context();
        Object[] params = new Object[numParams];
        for (int i = 0; i < numParams; i++) {
            int len = in.getInt32();
            short format = numFormats == 0 ? 0 : paramFormats[numFormats == 1 ? 0 : i];
            boolean textKnown = false;
            try {
                if (len == -1) {
                    params[i] = null;
                    if (format != 0 && format != 1) throw unsupportedFormat(format);
                    continue;
                }
                if (format == 0) {
                    String text = in.getText(len);
                    textKnown = true;
                    params[i] = TypeIO.input(types[i], text, context);
                } else if (format == 1) {
                    params[i] = receiveBinary(types[i], len, i + 1);
                } else {
                    throw unsupportedFormat(format);
                }
            } catch (PgException e) {
                String where = (portalName.isEmpty() ? "unnamed portal" : "portal \"" + portalName + "\"")
                        + " parameter $" + (i + 1) + (textKnown ? " = '...'" : "");
                throw e.withWhere(e.where() == null ? where : e.where() + "\n" + where);
            }
        }
        int numResultFormats = in.getInt16() & 0xffff;
        short[] resultFormats = new short[numResultFormats];
        for (int i = 0; i < numResultFormats; i++) resultFormats[i] = in.getInt16();
        in.end();
        session.finishPlanning(stmt);

        int ncols = stmt.columns().size();
        if (numResultFormats > 1 && numResultFormats != ncols) {
            throw PgException.error(SqlState.PROTOCOL_VIOLATION, "bind message has " + numResultFormats
                    + " result formats but query has " + ncols + " columns");
        }
        short[] formats = null;
        if (numResultFormats > 0 && ncols > 0) {
            formats = new short[ncols];
            for (int i = 0; i < ncols; i++) formats[i] = resultFormats[numResultFormats == 1 ? 0 : i];
        }
        session.createPortal(portalName, stmt, params, formats);
        out.empty('2');
    }


    /**
     * A binary Bind parameter: typreceive via {@link TypeIO#receive}, with exec_bind_message's framing rules:
     * reading past the value is 08P01 {@code insufficient data left in message}, bytes left over are 22P03
     * {@code incorrect binary data format in bind parameter N}. Text types arrive in the client encoding
     * (textrecv converts like text input), so they are decoded here.
     */
    private Object receiveBinary(int type, int len, int paramNo) {
        if (type == BuiltinType.TEXT.oid() || type == BuiltinType.VARCHAR.oid() || type == BuiltinType.BPCHAR.oid()
                || type == BuiltinType.NAME.oid() || type == BuiltinType.UNKNOWN.oid()) {
            return TypeIO.input(type, in.getText(len), session.context());
        }
        byte[] data = in.getBytes(len);
        try {
            return TypeIO.receive(type, data);
        } catch (PgException e) {
            if (e.sqlState() == SqlState.INVALID_BINARY_REPRESENTATION) {
                if ("insufficient data left in message".equals(e.getMessage())) {
                    throw PgException.error(SqlState.PROTOCOL_VIOLATION, "insufficient data left in message");
                }
                if ("incorrect binary data format".equals(e.getMessage())) {
                    throw PgException.error(SqlState.INVALID_BINARY_REPRESENTATION,
                            "incorrect binary data format in bind parameter " + paramNo);
                }
            }
            throw e;
        }
    }

    private static PgException unsupportedFormat(int format) {
        return PgException.error(SqlState.INVALID_PARAMETER_VALUE, "unsupported format code: " + format);
    }

    /**
     * Execute: runs the portal for up to maxRows rows (0 = all): DataRows, then CommandComplete, or
     * PortalSuspended when the limit stopped it; EmptyQueryResponse for an empty statement. A failing portal
     * is dropped. Errors: 34000, 25P02, 55000 (re-running a finished portal that returns no rows).
     */
    private void execExecute() throws IOException {
        String portalName = in.getString();
        int maxRows = in.getInt32();
        in.end();
        Portal portal = session.lookupPortal(portalName);
        PreparedStatementEntry stmt = portal.statement();
        if (stmt.raw() == null) {
            out.empty('I');
            return;
        }
        session.startExecute(portal);
        activity(stmt.activity());
        String tag;
        try {
            tag = runPortal(portal, maxRows);
        } catch (RuntimeException | Error e) {
            session.dropFailedPortal(portal);
            throw e;
        }
        if (tag == null) {
            out.empty('s');
            return;
        }
        session.finishExecute(portal);
        syncClientEncoding();
        out.commandComplete(tag);
    }

    /**
     * Describe 'S' (ParameterDescription, then RowDescription or NoData) or 'P' (RowDescription with the
     * bound formats, or NoData). Errors: 26000 / 34000 for unknown names, 25P02 in a failed block for
     * statements that return rows, 08P01 for another subtype.
     */
    private void execDescribe() throws IOException {
        int kind = in.getByte();
        String name = in.getString();
        in.end();
        session.startCommand();
        if (kind == 'S') {
            PreparedStatementEntry stmt = session.lookupStatement(name);
            if (session.isAborted() && stmt.returnsRows()) throw Session.transactionAbortedError();
            out.parameterDescription(stmt.paramTypes());
            if (stmt.returnsRows()) out.rowDescription(stmt.columns(), null);
            else out.empty('n');
        } else if (kind == 'P') {
            Portal portal = session.lookupPortal(name);
            PreparedStatementEntry stmt = portal.statement();
            if (session.isAborted() && stmt.returnsRows()) throw Session.transactionAbortedError();
            if (stmt.returnsRows()) out.rowDescription(stmt.columns(), portal.resultFormats());
            else out.empty('n');
        } else {
            throw PgException.error(SqlState.PROTOCOL_VIOLATION, "invalid DESCRIBE message subtype " + kind);
        }
    }

    /** Close 'S' or 'P': drops the statement or portal if it exists (no error otherwise), then CloseComplete. */
    private void execClose() throws IOException {
        int kind = in.getByte();
        String name = in.getString();
        in.end();
        if (kind == 'S') {
            session.closeStatement(name);
        } else if (kind == 'P') {
            session.closePortal(name);
        } else {
            throw PgException.error(SqlState.PROTOCOL_VIOLATION, "invalid CLOSE message subtype " + kind);
        }
        out.empty('3');
    }

    // =====================================================================================================
    // running a portal (printtup)

    /**
     * Runs a portal until it completes or {@code maxRows} (when > 0) rows were sent, sending DataRows. A
     * utility statement runs when the portal starts; its notices are sent then, before its rows.
     *
     * @return the CommandComplete tag, or null when the row limit stopped it (PortalSuspended)
     */
    private String runPortal(Portal portal, int maxRows) throws IOException {
        if (portal.isDone()) return portal.completedTag();
        if (!portal.isStarted() && session.startPortal(portal)) sendNotices();
        List<ResultColumn> columns = portal.statement().columns();
        int sent = 0;
        while (maxRows <= 0 || sent < maxRows) {
            Object[] row = portal.next();
            if (session.hasNotices()) sendNotices();   // a warning raised while computing the row goes first
            if (row == null) return portal.complete(sent);
            if (!portal.formatsChecked()) {
                checkOutputFormats(columns, portal.resultFormats());
                portal.markFormatsChecked();
            }
            sendDataRow(row, columns, portal.resultFormats());
            sent++;
        }
        return null;
    }

    /** printtup's check at the first row: format codes are 0 or 1; binary needs a send function. */
    private static void checkOutputFormats(List<ResultColumn> columns, short[] formats) {
        if (formats == null) return;
        for (int i = 0; i < formats.length; i++) {
            int f = formats[i];
            if (f == 0) continue;
            if (f != 1) throw unsupportedFormat(f);
            int type = columns.get(i).typeOid();
            if (type != BuiltinType.TEXT.oid() && !TypeIO.hasBinary(type)) {
                BuiltinType t = BuiltinType.byOid(type);
                throw PgException.error(SqlState.UNDEFINED_FUNCTION, "no binary output function available for type "
                        + (t == null ? Integer.toString(type) : t.typname()));
            }
        }
    }

    private void sendDataRow(Object[] row, List<ResultColumn> columns, short[] formats) throws IOException {
        out.begin('D');
        try {
            int n = columns.size();
            out.int16(n);
            for (int i = 0; i < n; i++) {
                Object v = i < row.length ? row[i] : null;
                if (v == null) {
                    out.int32(-1);
                    continue;
                }
                int type = columns.get(i).typeOid();
                boolean binary = formats != null && formats[i] == 1;
                if (type == BuiltinType.TEXT.oid() && v instanceof String s) {
                    out.countedText(s);   // textout is the identity; textsend sends the client-encoded bytes
                } else if (binary) {
                    byte[] b = TypeIO.send(type, v);
                    out.int32(b.length);
                    out.bytes(b);
                } else {
                    out.countedText(TypeIO.output(type, v, session.context()));
                }
            }
        } catch (RuntimeException e) {
            out.abandon();
            throw e;
        }
        out.end();
    }

    // =====================================================================================================
    // notices, encodings, activity

    /** Sends the session's queued notices that client_min_messages lets through, then flushes. */
    private void sendNotices() throws IOException {
        if (!session.hasNotices()) return;
        session.takeNotices(noticeSink);
        out.flush();
    }

    /** Follows client_encoding: strings are converted with it from now on. */
    private void syncClientEncoding() {
        String name = session.clientEncoding();
        if (!name.equals(encodingName)) {
            ClientEncoding enc = ClientEncoding.forName(name);
            in.setEncoding(enc);
            out.setEncoding(enc);
            encodingName = name;
        }
    }

    private void activity(String a) {
        if (a.equals(lastActivity)) return;
        lastActivity = a;
        try {
            listener.onActivity(a);
        } catch (RuntimeException e) {
            LOG.warn("activity listener failed", e);
        }
    }
}
