package org.pgjava.backend.tcop;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.pgjava.backend.executor.QueryRun;
import org.pgjava.backend.executor.ResultColumn;
import org.pgjava.backend.optimizer.Planner;
import org.pgjava.backend.parser.Parser;
import org.pgjava.backend.nodes.RawStatement;
import org.pgjava.backend.nodes.DiscardStmt;
import org.pgjava.backend.nodes.TransactionStmt;
import org.pgjava.backend.nodes.UtilityStatement;
import org.pgjava.backend.nodes.VariableSetStmt;
import org.pgjava.backend.nodes.VariableShowStmt;
import org.pgjava.backend.protocol.BackendMessageWriter;
import org.pgjava.backend.protocol.ClientChannel;
import org.pgjava.backend.protocol.ClientEncoding;
import org.pgjava.backend.protocol.FrontendMessageReader;
import org.pgjava.backend.protocol.StartupInfo;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.backend.utils.adt.TypeIO;
import org.pgjava.catalog.BuiltinType;
import org.pgjava.conf.SettingDef;
import org.pgjava.conf.SettingSource;
import org.pgjava.conf.Settings;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session of a backend process: PostgreSQL's tcop/postgres.c (PostgresMain, exec_simple_query,
 * exec_parse/bind/execute_message, the skip-till-Sync error recovery) over the protocol layer's
 * {@link FrontendMessageReader} / {@link BackendMessageWriter}. docs/protocol/README.md draws the flows.
 *
 * <p>Entry point: {@code new PostgresMain(channel, startup, serverSettings, pid, listener).run()}, called by
 * the backend process main once per client. {@link #run()} serves the client until Terminate, end of stream
 * or a FATAL error, never throws, closes the channel, and says whether the process may serve another
 * client. All session state (settings copy, prepared statements, portals, transaction state) lives in this
 * instance and is dropped with it.
 *
 * <p>Interrupts: the process main may call {@link #requestCancel()} (a CancelRequest matched this backend)
 * or {@link #requestTerminate()} (SIGTERM) from another thread; the flags are volatile and are acted on by
 * {@link SessionContext#checkForInterrupts()}, which the executor calls regularly: 57014 {@code canceling
 * statement due to user request}, or FATAL 57P01 {@code terminating connection due to administrator command}.
 * A cancel that arrives while the session is idle is forgotten, as in PostgreSQL. A blocking read is not
 * interrupted by these flags: to end an idle session the process main closes the channel.
 *
 * <p>Not thread-safe apart from those two methods: one thread runs a session.
 */
public final class PostgresMain {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresMain.class);

    /** PQ_SMALL_MESSAGE_LIMIT: Sync, Flush, Terminate, Describe, Close, Execute, CopyDone, CopyFail. */
    public static final int SMALL_MESSAGE_LIMIT = 10000;
    /** PQ_LARGE_MESSAGE_LIMIT (MaxAllocSize - 1): Query, Parse, Bind, FunctionCall, CopyData. */
    public static final int LARGE_MESSAGE_LIMIT = 0x3fffffff - 1;

    private static final String ABORTED_MESSAGE =
            "current transaction is aborted, commands ignored until end of transaction block";

    private final ClientChannel channel;
    private final StartupInfo startup;
    private final Settings serverSettings;
    private final int backendPid;
    private final SessionStatusListener listener;

    private final BackendMessageWriter out;
    private final FrontendMessageReader in;
    private final SessionContext context = new Context();
    private final List<PgException> pendingNotices = new ArrayList<>();
    private final Map<String, PreparedStatementEntry> statements = new HashMap<>();
    private final Map<String, Portal> portals = new HashMap<>();

    private Settings settings;
    private TransactionBlock xact;
    private String encodingName = "UTF8";
    private int largeMessageLimit = LARGE_MESSAGE_LIMIT;
    private boolean doingExtendedQuery;
    private boolean ignoreTillSync;
    private boolean sendReadyForQuery;
    private boolean internalErrorSeen;
    private String lastActivity;
    private String[] reportedNames;
    private String[] lastReported;
    private volatile boolean cancelPending;
    private volatile boolean terminatePending;

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
        this.serverSettings = serverSettings;
        this.backendPid = backendPid;
        this.listener = listener;
        this.out = new BackendMessageWriter(channel);
        this.in = new FrontendMessageReader(channel, this::flushBeforeRead);
    }

    /**
     * Lowers the length limit for the large message types (tests use a small one); the default is
     * PostgreSQL's 1 GB. A message above its limit ends the session. Call before {@link #run()}.
     */
    public void setLargeMessageLimit(int bytes) {
        this.largeMessageLimit = Math.max(SMALL_MESSAGE_LIMIT, bytes);
    }

    /** Asks the running statement to stop with 57014 at its next interrupt check. Thread-safe. */
    public void requestCancel() {
        cancelPending = true;
    }

    /** Asks the session to end with FATAL 57P01 at its next interrupt check. Thread-safe. */
    public void requestTerminate() {
        terminatePending = true;
    }

    /** The executor's view of this session. */
    public SessionContext sessionContext() {
        return context;
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
            LOG.error("session failed unexpectedly", t);
            end = new SessionEnd(SessionEnd.Reason.FATAL, false);
        }
        try {
            releaseSessionState();
        } catch (Throwable t) {
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
        settings = serverSettings.copy();
        xact = new TransactionBlock(settings, this::dropAllPortals, pendingNotices);
        out.authenticationOk();
        settings.setOverride("is_superuser", startup.superuser() ? "on" : "off");
        settings.setOverride("session_authorization", startup.user());
        Map<String, String> params = startup.parameters() == null ? Map.of() : startup.parameters();
        String options = params.get("options");
        if (options != null) {
            for (StartupOptions.Assignment a : StartupOptions.parse(options)) {
                settings.set(a.name(), a.value(), SettingSource.CLIENT, startup.superuser());
            }
        }
        for (Map.Entry<String, String> p : params.entrySet()) {
            String name = p.getKey();
            switch (name) {
                case "user", "database", "options", "replication" -> {
                    continue;
                }
                default -> {
                    if (name.startsWith("_pq_.")) continue;   // protocol options: the postmaster's business
                }
            }
            settings.set(name, p.getValue(), SettingSource.CLIENT, startup.superuser());
        }
        syncClientEncoding();
        reportChangedSettings();
        out.backendKeyData(backendPid, startup.cancelSecret());
    }

    /**
     * Reads and processes one message (PostgresMain's loop body).
     *
     * @return non-null when the session ends
     */
    private SessionEnd serveOneMessage() throws IOException {
        doingExtendedQuery = false;
        if (sendReadyForQuery) {
            reportChangedSettings();
            out.readyForQuery(xact.statusByte());
            out.flush();
            sendReadyForQuery = false;
            activity(switch (xact.statusByte()) {
                case 'T' -> "idle in transaction";
                case 'E' -> "idle in transaction (aborted)";
                default -> "idle";
            });
        }
        int type = in.readType();
        cancelPending = false;   // a cancel that arrived while idle is forgotten, as in PostgreSQL
        if (type < 0) {
            boolean inTransaction = xact.inTransaction();
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
                case 'P' -> execParse();
                case 'B' -> execBind();
                case 'E' -> execExecute();
                case 'D' -> execDescribe();
                case 'C' -> execClose();
                case 'S' -> {
                    in.end();
                    xact.finishCommand();
                    syncClientEncoding();
                    sendReadyForQuery = true;
                }
                case 'H' -> {
                    in.end();
                    out.flush();
                }
                case 'F' -> {
                    in.skipRest();
                    xact.startCommand();
                    if (xact.isAborted()) throw PgException.error(SqlState.IN_FAILED_SQL_TRANSACTION, ABORTED_MESSAGE);
                    sendReadyForQuery = true;
                    throw PgException.notSupported("fastpath function calls are not supported");
                }
                case 'd', 'c', 'f' -> {
                    // CopyData / CopyDone / CopyFail outside COPY: ignored, so a client can leave COPY-in cleanly
                    in.skipRest();
                }
                case 'X' -> {
                    boolean clean = !xact.inTransaction() && !internalErrorSeen;
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
            pendingNotices.clear();
        }
        xact.abortCurrent();
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
        dropUnnamedStatement();
        closePortal("");
        xact.startCommand();
        List<RawStatement> parsed = Parser.parse(query);
        if (parsed.isEmpty()) {
            xact.finishCommand();
            out.empty('I');
            return;
        }
        boolean implicitBlock = parsed.size() > 1;
        for (int i = 0; i < parsed.size(); i++) {
            RawStatement raw = parsed.get(i);
            if (xact.isAborted() && !isTransactionExit(raw)) {
                throw PgException.error(SqlState.IN_FAILED_SQL_TRANSACTION, ABORTED_MESSAGE);
            }
            xact.startCommand();
            if (implicitBlock) xact.beginImplicitBlock();
            activity(raw.stmt() instanceof UtilityStatement u ? u.commandTag() : commandWord(query, raw));
            PreparedStatementEntry stmt = prepare("", query, raw, null);
            Portal portal = new Portal("", stmt, new Object[0], null);
            try {
                if (stmt.returnsRows()) out.rowDescription(stmt.columns(), null);
                String tag = runPortal(portal, 0);
                boolean last = i == parsed.size() - 1;
                if (last) {
                    if (implicitBlock) xact.endImplicitBlock();
                    xact.finishCommand();
                } else if (raw.stmt() instanceof TransactionStmt) {
                    xact.finishCommand();
                }
                syncClientEncoding();
                if (tag != null) out.commandComplete(tag);
            } finally {
                portal.close();
            }
        }
        xact.finishCommand();
    }

    private static boolean isTransactionExit(RawStatement raw) {
        return raw != null && raw.stmt() instanceof TransactionStmt t
                && (t.kind() == TransactionStmt.Kind.COMMIT || t.kind() == TransactionStmt.Kind.ROLLBACK
                || t.kind() == TransactionStmt.Kind.ROLLBACK_TO || t.kind() == TransactionStmt.Kind.PREPARE);
    }

    /**
     * Plans (or, for utility statements, describes) one statement. A simple Query ({@code paramTypes} null)
     * plans fully now; a Parse only analyzes, and planning finishes at Bind (PostgreSQL plans extended-query
     * statements at Bind, so errors of constant expressions such as 1/0 surface there).
     */
    private PreparedStatementEntry prepare(String name, String query, RawStatement raw, int[] paramTypes) {
        int[] declared = paramTypes == null ? new int[0] : paramTypes;
        if (raw == null) {
            return new PreparedStatementEntry(name, query, null, null, null, declared, List.of(), "");
        }
        if (raw.stmt() instanceof UtilityStatement u) {
            return new PreparedStatementEntry(name, query, raw, u, null, declared, utilityColumns(u),
                    u.commandTag());
        }
        var plan = paramTypes == null ? Planner.plan(raw, null, context) : Planner.analyze(raw, paramTypes, context);
        return new PreparedStatementEntry(name, query, raw, null, plan, plan.parameterTypes(),
                plan.resultColumns(), commandWord(query, raw));
    }

    /** The command word of a planned statement for the process title: its first keyword, upper-cased. */
    static String commandWord(String query, RawStatement raw) {
        int i = Math.max(0, Math.min(raw.location(), query.length()));
        while (i < query.length() && !Character.isLetter(query.charAt(i))) i++;
        for (String w : COMMON_WORDS) {
            if (query.regionMatches(true, i, w, 0, w.length())
                    && (i + w.length() == query.length() || !Character.isLetter(query.charAt(i + w.length())))) {
                return w.equals("VALUES") || w.equals("TABLE") || w.equals("WITH") ? "SELECT" : w;
            }
        }
        int j = i;
        while (j < query.length() && Character.isLetter(query.charAt(j))) j++;
        return j == i ? "SELECT" : query.substring(i, j).toUpperCase(Locale.ROOT);
    }

    private static final String[] COMMON_WORDS = {"SELECT", "INSERT", "UPDATE", "DELETE", "VALUES", "WITH", "TABLE"};

    // =====================================================================================================
    // extended query

    /**
     * Parse: analyzes one statement and stores it under its name (the unnamed one is replaced), then
     * ParseComplete. Errors: 42601 for several statements, 42P05 for an existing name, 25P02 in a failed
     * block (unless ROLLBACK/COMMIT), and every analysis error.
     */
    private void execParse() throws IOException {
        String name = in.getString();
        String query = in.getString();
        int numParams = in.getInt16() & 0xffff;
        int[] types = new int[numParams];
        for (int i = 0; i < numParams; i++) types[i] = in.getInt32();
        in.end();

        if (name.isEmpty()) dropUnnamedStatement();
        xact.startCommand();
        List<RawStatement> parsed = Parser.parse(query);
        if (parsed.size() > 1) {
            throw PgException.error(SqlState.SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");
        }
        RawStatement raw = parsed.isEmpty() ? null : parsed.get(0);
        if (xact.isAborted() && raw != null && !isTransactionExit(raw)) {
            throw PgException.error(SqlState.IN_FAILED_SQL_TRANSACTION, ABORTED_MESSAGE);
        }
        PreparedStatementEntry stmt = prepare(name, query, raw, types);
        if (!name.isEmpty() && statements.containsKey(name)) {
            throw PgException.error(SqlState.DUPLICATE_PREPARED_STATEMENT,
                    "prepared statement \"" + name + "\" already exists");
        }
        statements.put(name, stmt);
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
        PreparedStatementEntry stmt = lookupStatement(stmtName);

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
        xact.startCommand();
        if (xact.isAborted() && (!isTransactionExit(stmt.raw()) || numParams != 0)) {
            throw PgException.error(SqlState.IN_FAILED_SQL_TRANSACTION, ABORTED_MESSAGE);
        }
        if (portalName.isEmpty()) {
            closePortal("");
        } else if (portals.containsKey(portalName)) {
            throw PgException.error(SqlState.DUPLICATE_CURSOR, "cursor \"" + portalName + "\" already exists");
        }

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
        if (stmt.plan() != null) stmt.plan().finishPlanning(context);

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
        portals.put(portalName, new Portal(portalName, stmt, params, formats));
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
            return TypeIO.input(type, in.getText(len), context);
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
        Portal portal = lookupPortal(portalName);
        PreparedStatementEntry stmt = portal.statement;
        if (stmt.raw() == null) {
            out.empty('I');
            return;
        }
        xact.startCommand();
        if (xact.isAborted() && !isTransactionExit(stmt.raw())) {
            throw PgException.error(SqlState.IN_FAILED_SQL_TRANSACTION, ABORTED_MESSAGE);
        }
        if (portal.done && !stmt.returnsRows()) {
            throw PgException.error(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "portal \"" + portalName + "\" cannot be run");
        }
        activity(stmt.activity());
        String tag;
        try {
            tag = runPortal(portal, maxRows);
        } catch (RuntimeException | Error e) {
            portal.close();
            portals.remove(portalName, portal);
            throw e;
        }
        if (tag == null) {
            out.empty('s');
            return;
        }
        if (stmt.raw().stmt() instanceof TransactionStmt) {
            xact.finishCommand();
        }
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
        xact.startCommand();
        if (kind == 'S') {
            PreparedStatementEntry stmt = lookupStatement(name);
            if (xact.isAborted() && stmt.returnsRows()) {
                throw PgException.error(SqlState.IN_FAILED_SQL_TRANSACTION, ABORTED_MESSAGE);
            }
            out.parameterDescription(stmt.paramTypes());
            if (stmt.returnsRows()) out.rowDescription(stmt.columns(), null);
            else out.empty('n');
        } else if (kind == 'P') {
            Portal portal = lookupPortal(name);
            if (xact.isAborted() && portal.statement.returnsRows()) {
                throw PgException.error(SqlState.IN_FAILED_SQL_TRANSACTION, ABORTED_MESSAGE);
            }
            if (portal.statement.returnsRows()) out.rowDescription(portal.statement.columns(), portal.resultFormats);
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
            if (name.isEmpty()) dropUnnamedStatement();
            else statements.remove(name);
        } else if (kind == 'P') {
            closePortal(name);
        } else {
            throw PgException.error(SqlState.PROTOCOL_VIOLATION, "invalid CLOSE message subtype " + kind);
        }
        out.empty('3');
    }

    private PreparedStatementEntry lookupStatement(String name) {
        PreparedStatementEntry s = statements.get(name);
        if (s == null) {
            throw PgException.error(SqlState.INVALID_SQL_STATEMENT_NAME, name.isEmpty()
                    ? "unnamed prepared statement does not exist"
                    : "prepared statement \"" + name + "\" does not exist");
        }
        return s;
    }

    private Portal lookupPortal(String name) {
        Portal p = portals.get(name);
        if (p == null) throw PgException.error(SqlState.INVALID_CURSOR_NAME, "portal \"" + name + "\" does not exist");
        return p;
    }

    private void dropUnnamedStatement() {
        statements.remove("");
    }

    private void closePortal(String name) {
        Portal p = portals.remove(name);
        if (p != null) p.close();
    }

    private void dropAllPortals() {
        for (Portal p : portals.values()) p.close();
        portals.clear();
    }

    // =====================================================================================================
    // running a portal

    /**
     * Runs a portal until it completes or {@code maxRows} (when > 0) rows were sent, sending DataRows.
     *
     * @return the CommandComplete tag, or null when the row limit stopped it (PortalSuspended)
     */
    private String runPortal(Portal portal, int maxRows) throws IOException {
        PreparedStatementEntry stmt = portal.statement;
        if (portal.done) {
            return stmt.utility() != null ? stmt.utility().commandTag() : "SELECT 0";
        }
        if (portal.run == null) {
            if (stmt.utility() != null) {
                portal.run = executeUtility(stmt.utility(), stmt.query());
            } else {
                xact.markSnapshotTaken();
                portal.run = stmt.plan().start(portal.params, context);
            }
        }
        QueryRun run = portal.run;
        List<ResultColumn> columns = stmt.columns();
        int sent = 0;
        while (maxRows <= 0 || sent < maxRows) {
            Object[] row = run.next();
            if (row == null) {
                String tag = run.commandTag();
                portal.done = true;
                portal.close();
                if (tag != null && tag.startsWith("SELECT ")) tag = "SELECT " + sent;
                return tag;
            }
            if (!portal.formatsChecked) {
                checkOutputFormats(columns, portal.resultFormats);
                portal.formatsChecked = true;
            }
            sendDataRow(row, columns, portal.resultFormats);
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
                    out.countedText(TypeIO.output(type, v, context));
                }
            }
        } catch (RuntimeException e) {
            out.abandon();
            throw e;
        }
        out.end();
    }

    // =====================================================================================================
    // utility statements (tcop/utility.c)

    private static final ResultColumn textColumn(String name) {
        return new ResultColumn(name, 0, (short) 0, BuiltinType.TEXT.oid(), (short) -1, -1);
    }

    private List<ResultColumn> utilityColumns(UtilityStatement u) {
        if (u instanceof VariableShowStmt show) {
            if (show.name().equalsIgnoreCase("all")) {
                return List.of(textColumn("name"), textColumn("setting"), textColumn("description"));
            }
            return List.of(textColumn(settings.definition(show.name()).displayName()));
        }
        return List.of();
    }

    /** Executes a utility statement now; its rows (SHOW) and tag come back as a QueryRun. */
    private QueryRun executeUtility(UtilityStatement u, String query) throws IOException {
        boolean superuser = startup.superuser();
        List<Object[]> rows = List.of();
        String tag = u.commandTag();
        if (u instanceof VariableSetStmt set) {
            executeSet(set, query, superuser);
        } else if (u instanceof VariableShowStmt show) {
            rows = new ArrayList<>();
            if (show.name().equalsIgnoreCase("all")) {
                for (SettingDef d : settings.definitions()) {
                    if (d.noShowAll()) continue;
                    rows.add(new Object[] {d.displayName(), settings.show(d.name()), d.shortDesc()});
                }
            } else {
                rows.add(new Object[] {settings.show(show.name())});
            }
        } else if (u instanceof TransactionStmt t) {
            switch (t.kind()) {
                case BEGIN, START -> xact.begin(t.modes(), superuser);
                case COMMIT -> tag = xact.commit(t.chain(), superuser);
                case ROLLBACK -> xact.rollback(t.chain(), superuser);
                case SAVEPOINT -> xact.savepoint(t.savepointName());
                case RELEASE -> xact.release(t.savepointName());
                case ROLLBACK_TO -> xact.rollbackTo(t.savepointName());
                case PREPARE -> tag = xact.prepare(settings.getInt("max_prepared_transactions") > 0);
                case COMMIT_PREPARED, ROLLBACK_PREPARED -> {
                    if (xact.state() != TransactionBlock.State.NONE && xact.state() != TransactionBlock.State.STARTED) {
                        throw PgException.error(SqlState.ACTIVE_SQL_TRANSACTION,
                                t.commandTag() + " cannot run inside a transaction block");
                    }
                    // pgjava never prepares a transaction, so no identifier can exist
                    throw PgException.error(SqlState.UNDEFINED_OBJECT,
                            "prepared transaction with identifier \"" + t.savepointName() + "\" does not exist");
                }
            }
        } else if (u instanceof DiscardStmt d) {
            if (d.target() == DiscardStmt.Target.ALL) {
                if (xact.state() != TransactionBlock.State.STARTED && xact.state() != TransactionBlock.State.NONE) {
                    throw PgException.error(SqlState.ACTIVE_SQL_TRANSACTION,
                            "DISCARD ALL cannot run inside a transaction block");
                }
                dropAllPortals();
                statements.clear();
                settings.reset("session_authorization");
                settings.resetAll();
            }
            // DISCARD PLANS / SEQUENCES / TEMP: pgjava has no plan cache invalidation, sequence cache or
            // temporary objects yet, so there is nothing to discard.
        } else {
            throw PgException.notSupported(tag + " is not supported");
        }
        sendNotices();
        return new RowsRun(rows, tag);
    }

    /** Lists whose elements SET joins with ", " (GUC_LIST_INPUT), and which of them quote (GUC_LIST_QUOTE). */
    private static final Set<String> LIST_SETTINGS = Set.of("datestyle", "search_path", "temp_tablespaces",
            "session_preload_libraries", "shared_preload_libraries", "local_preload_libraries", "log_destination",
            "listen_addresses", "unix_socket_directories", "wal_consistency_checking");
    private static final Set<String> QUOTED_LIST_SETTINGS = Set.of("search_path", "temp_tablespaces",
            "session_preload_libraries", "shared_preload_libraries", "local_preload_libraries");

    private void executeSet(VariableSetStmt set, String query, boolean superuser) {
        String name = set.name();
        switch (set.kind()) {
            case SET_VALUE -> {
                if (name.equals("transaction") || name.equals("session_characteristics")) {
                    // SET [SESSION CHARACTERISTICS AS] TRANSACTION with several modes: (name, value) pairs
                    if (name.equals("transaction")) warnIfNoBlock("SET TRANSACTION");
                    List<String> a = set.args();
                    for (int i = 0; i + 1 < a.size(); i += 2) {
                        checkTransactionSetting(a.get(i), a.get(i + 1));
                        settings.set(a.get(i), a.get(i + 1), SettingSource.SESSION, superuser);
                    }
                    return;
                }
                String value = flattenArgs(name, set.args());
                if (name.startsWith("transaction_") && isSetTransaction(query, set.location())) {
                    warnIfNoBlock("SET TRANSACTION");
                }
                checkTransactionSetting(name, value);
                if (set.isLocal()) {
                    warnIfNoBlock("SET LOCAL");
                    settings.setLocal(name, value, superuser);
                } else {
                    settings.set(name, value, SettingSource.SESSION, superuser);
                }
            }
            case SET_DEFAULT -> {
                checkTransactionSetting(name, settings.showReset(name));
                if (set.isLocal()) {
                    warnIfNoBlock("SET LOCAL");
                    settings.setLocal(name, settings.showReset(name), superuser);
                } else {
                    settings.setToDefault(name);
                }
            }
            case SET_CURRENT -> settings.set(name, settings.show(name), SettingSource.SESSION, superuser);
            case RESET -> {
                checkTransactionSetting(name, settings.showReset(name));
                settings.reset(name, superuser);
            }
            case RESET_ALL -> settings.resetAll();
        }
    }

    /** True when the SET at {@code location} is written {@code SET TRANSACTION ...} (not SET transaction_x). */
    private static boolean isSetTransaction(String query, int location) {
        if (query == null || location < 0 || location + 3 > query.length()) return false;
        int i = location + 3;
        while (i < query.length() && Character.isWhitespace(query.charAt(i))) i++;
        return query.regionMatches(true, i, "transaction", 0, 11)
                && (i + 11 == query.length() || !Character.isLetterOrDigit(query.charAt(i + 11))
                    && query.charAt(i + 11) != '_');
    }

    /**
     * The check hooks PostgreSQL runs for the per-transaction settings (they need to know whether a query
     * already ran, which only the session knows): isolation level and deferrable cannot change after the
     * first query or inside a savepoint, read-write cannot be restored after the first query.
     */
    private void checkTransactionSetting(String name, String value) {
        if (!xact.inTransaction() || value == null) return;
        String v = value.trim().toLowerCase(Locale.ROOT);
        switch (name.toLowerCase(Locale.ROOT)) {
            case "transaction_isolation" -> {
                if (v.equals(settings.show("transaction_isolation"))) return;
                if (xact.snapshotTaken()) {
                    throw PgException.error(SqlState.ACTIVE_SQL_TRANSACTION,
                            "SET TRANSACTION ISOLATION LEVEL must be called before any query");
                }
                if (xact.inSubtransaction()) {
                    throw PgException.error(SqlState.ACTIVE_SQL_TRANSACTION,
                            "SET TRANSACTION ISOLATION LEVEL must not be called in a subtransaction");
                }
            }
            case "transaction_read_only" -> {
                boolean toReadWrite = v.equals("off") || v.equals("false") || v.equals("no") || v.equals("0")
                        || v.equals("f") || v.equals("n") || v.equals("of") || v.equals("fa") || v.equals("fal")
                        || v.equals("fals");
                if (!toReadWrite || !settings.show("transaction_read_only").equals("on")) return;
                if (xact.inSubtransaction()) {
                    throw PgException.error(SqlState.READ_ONLY_SQL_TRANSACTION,
                            "cannot set transaction read-write mode inside a read-only transaction");
                }
                if (xact.snapshotTaken()) {
                    throw PgException.error(SqlState.ACTIVE_SQL_TRANSACTION,
                            "transaction read-write mode must be set before any query");
                }
            }
            case "transaction_deferrable" -> {
                if (xact.inSubtransaction()) {
                    throw PgException.error(SqlState.ACTIVE_SQL_TRANSACTION,
                            "SET TRANSACTION [NOT] DEFERRABLE cannot be called within a subtransaction");
                }
                if (xact.snapshotTaken()) {
                    throw PgException.error(SqlState.ACTIVE_SQL_TRANSACTION,
                            "SET TRANSACTION [NOT] DEFERRABLE must be called before any query");
                }
            }
            default -> {
            }
        }
    }

    private void warnIfNoBlock(String what) {
        if (xact.state() == TransactionBlock.State.NONE || xact.state() == TransactionBlock.State.STARTED) {
            pendingNotices.add(new PgException(Severity.WARNING, SqlState.NO_ACTIVE_SQL_TRANSACTION,
                    what + " can only be used in transaction blocks"));
        }
    }

    /** flatten_set_variable_args: one value, or a ", "-joined list for list settings. */
    private static String flattenArgs(String name, List<String> args) {
        if (args.size() == 1) {
            String lower = name.toLowerCase(Locale.ROOT);
            return QUOTED_LIST_SETTINGS.contains(lower) ? quoteIdentifier(args.get(0)) : args.get(0);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (!LIST_SETTINGS.contains(lower)) {
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "SET " + name + " takes only one argument");
        }
        boolean quote = QUOTED_LIST_SETTINGS.contains(lower);
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(quote ? quoteIdentifier(a) : a);
        }
        return sb.toString();
    }

    /** quote_identifier without the keyword check: quotes unless lower-case letters, digits and '_'. */
    static String quoteIdentifier(String s) {
        boolean safe = !s.isEmpty() && (Character.isLowerCase(s.charAt(0)) || s.charAt(0) == '_');
        for (int i = 0; safe && i < s.length(); i++) {
            char c = s.charAt(i);
            safe = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        }
        return safe ? s : '"' + s.replace("\"", "\"\"") + '"';
    }

    /** Rows computed by a utility statement, served like an executor run. */
    private static final class RowsRun implements QueryRun {
        private final List<Object[]> rows;
        private final String tag;
        private int next;

        RowsRun(List<Object[]> rows, String tag) {
            this.rows = rows;
            this.tag = tag;
        }

        @Override
        public Object[] next() {
            return next < rows.size() ? rows.get(next++) : null;
        }

        @Override
        public String commandTag() {
            return tag;
        }

        @Override
        public void close() {
        }
    }

    // =====================================================================================================
    // notices, settings reports, encodings, activity

    private static final String[] CLIENT_LEVELS = {"debug5", "debug4", "debug3", "debug2", "debug1", "log",
            "notice", "warning", "error"};

    /** Sends queued notices that client_min_messages lets through. */
    private void sendNotices() throws IOException {
        if (pendingNotices.isEmpty()) return;
        int min = clientLevelIndex(settings.show("client_min_messages"));
        for (PgException n : pendingNotices) {
            int level = switch (n.severity()) {
                case DEBUG -> 4;
                case LOG -> 5;
                case INFO -> Integer.MAX_VALUE;
                case NOTICE -> 6;
                default -> 7;
            };
            if (level >= min) out.errorOrNotice(n);
        }
        pendingNotices.clear();
        out.flush();
    }

    private static int clientLevelIndex(String value) {
        for (int i = 0; i < CLIENT_LEVELS.length; i++) {
            if (CLIENT_LEVELS[i].equalsIgnoreCase(value)) return i;
        }
        return 6;
    }

    /**
     * ParameterStatus for every reported setting whose value changed since it was last sent (all of them the
     * first time); PostgreSQL 15 sends them right before ReadyForQuery. The GUC_REPORT names are fixed, so
     * they are looked up once and compared with 13 cheap {@link Settings#show} calls per ReadyForQuery.
     */
    private void reportChangedSettings() throws IOException {
        if (reportedNames == null) {
            reportedNames = settings.reportedNames().toArray(new String[0]);
            lastReported = new String[reportedNames.length];
        }
        for (int i = 0; i < reportedNames.length; i++) {
            String v = settings.show(reportedNames[i]);
            if (!v.equals(lastReported[i])) {
                out.parameterStatus(reportedNames[i], v);
                lastReported[i] = v;
            }
        }
    }

    /** Follows client_encoding: strings are converted with it from now on. */
    private void syncClientEncoding() {
        String name = settings.show("client_encoding");
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

    /** Drops every piece of session state: portals, prepared statements, the open transaction. */
    private void releaseSessionState() {
        if (xact != null) xact.abortAll();
        dropAllPortals();
        statements.clear();
        pendingNotices.clear();
    }

    // =====================================================================================================
    // the executor's view of the session

    private final class Context implements SessionContext {
        @Override
        public String setting(String name) {
            return settings.show(name);
        }

        @Override
        public String currentUser() {
            if (settings.exists("role")) {
                String role = settings.show("role");
                if (!role.isEmpty() && !role.equals("none")) return role;
            }
            return sessionUser();
        }

        @Override
        public String sessionUser() {
            return settings.show("session_authorization");
        }

        @Override
        public String databaseName() {
            return startup.database();
        }

        @Override
        public int backendPid() {
            return backendPid;
        }

        @Override
        public boolean inTransactionBlock() {
            return xact.inBlock();
        }

        @Override
        public void checkForInterrupts() {
            if (terminatePending) {
                throw PgException.fatal(SqlState.ADMIN_SHUTDOWN, "terminating connection due to administrator command");
            }
            if (cancelPending) {
                cancelPending = false;
                throw PgException.error(SqlState.QUERY_CANCELED, "canceling statement due to user request");
            }
        }
    }
}
