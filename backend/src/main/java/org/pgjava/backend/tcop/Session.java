package org.pgjava.backend.tcop;

import org.pgjava.backend.access.ProcessStorage;
import org.pgjava.backend.access.transam.TransactionManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.pgjava.backend.executor.QueryRun;
import org.pgjava.backend.executor.ResultColumn;
import org.pgjava.backend.nodes.DiscardStmt;
import org.pgjava.backend.nodes.RawStatement;
import org.pgjava.backend.nodes.TransactionStmt;
import org.pgjava.backend.nodes.UtilityStatement;
import org.pgjava.backend.nodes.VariableSetStmt;
import org.pgjava.backend.nodes.VariableShowStmt;
import org.pgjava.backend.optimizer.Planner;
import org.pgjava.backend.parser.Parser;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.catalog.BuiltinType;
import org.pgjava.conf.SettingDef;
import org.pgjava.conf.SettingSource;
import org.pgjava.conf.Settings;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;

/**
 * The traffic cop of one client session (PostgreSQL's tcop/postgres.c without its wire protocol, the utility
 * part of tcop/utility.c, and the session side of xact.c): it owns every piece of session state and knows
 * nothing of messages. docs/tcop/README.md states its rules and call sequence.
 *
 * <p>State: a private copy of the server {@link Settings}, the {@link TransactionBlock}, the prepared
 * statements and portals, the notices queued for the client, the interrupt flags, and the values of the
 * reported (GUC_REPORT) settings last told to the client. Nothing is static: a new Session starts clean.
 *
 * <p>Entry points, in the order the protocol layer ({@code protocol.PostgresMain}) calls them:
 * <ul>
 *   <li>construction from plain values, then {@link #applyStartupParameters()} (FATAL-worthy errors);</li>
 *   <li>{@link #takeChangedReportedSettings}, {@link #transactionStatus()} before each ReadyForQuery;</li>
 *   <li>simple query: {@link #beginSimpleQuery}, per statement {@link #startStatement},
 *       {@link #prepareSimpleStatement}, {@link #startPortal} / {@link Portal#next()} /
 *       {@link Portal#complete(int)}, {@link #finishStatement}; then {@link #finishCommand()};</li>
 *   <li>extended query: {@link #parse}, {@link #lookupStatement} / {@link #startBind} /
 *       {@link #finishPlanning} / {@link #createPortal}, {@link #lookupPortal} / {@link #startExecute} /
 *       {@link #finishExecute}, {@link #closeStatement} / {@link #closePortal}, Sync: {@link #finishCommand()};</li>
 *   <li>errors: {@link #abortCurrentTransaction()}; notices: {@link #takeNotices}; end: {@link #release()}.</li>
 * </ul>
 * Utility statements (SET, SHOW, RESET, BEGIN/COMMIT/ROLLBACK, savepoints, DISCARD, PREPARE TRANSACTION)
 * run in {@link #startPortal}: their rows (SHOW) and tag come back through the portal like an executor run,
 * their warnings are queued for {@link #takeNotices}.
 *
 * <p>Interrupts: {@link #requestCancel()} and {@link #requestTerminate()} may be called from any thread;
 * {@link SessionContext#checkForInterrupts()} acts on them. Everything else runs on the session's thread.
 */
public final class Session {
    private static final String ABORTED_MESSAGE =
            "current transaction is aborted, commands ignored until end of transaction block";
    private static final Object[] NO_PARAMETERS = new Object[0];
    private static final int[] NO_TYPES = new int[0];

    /** Receives a reported setting whose value changed (the protocol layer sends ParameterStatus). */
    @FunctionalInterface
    public interface ReportedSettingSink {
        void changed(String name, String value) throws IOException;
    }

    /** Receives a notice the client asked for (the protocol layer sends NoticeResponse). */
    @FunctionalInterface
    public interface NoticeSink {
        void notice(PgException notice) throws IOException;
    }

    private final String user;
    private final String database;
    private final int roleOid;
    private final int databaseOid;
    private final boolean superuser;
    private final int backendPid;
    private final Map<String, String> startupParameters;

    private final Settings settings;
    private final TransactionBlock xact;
    /** This process's storage, null until {@link #attachStorage}. */
    private ProcessStorage storage;
    private final SessionContext context = new Context();
    private final List<PgException> pendingNotices = new ArrayList<>();
    private final Map<String, PreparedStatementEntry> statements = new HashMap<>();
    private final Map<String, Portal> portals = new HashMap<>();
    private String[] reportedNames;
    private String[] lastReported;
    /** statement_timestamp() and now() (timestamptz microseconds), set by {@link #markStatementStart()}. */
    private long statementStartMicros, transactionStartMicros;

    /** pg_cancel_backend / pg_terminate_backend's signaller; null until attachSignals. */
    private BackendSignaller signaller;
    private volatile boolean cancelPending;
    private volatile boolean terminatePending;
    private volatile boolean statementTimeoutPending;
    /** Fires statement_timeout; created on first use, one daemon thread, shut down by {@link #release()}. */
    private ScheduledExecutorService timeoutTimer;
    private ScheduledFuture<?> statementTimeout;
    /** Where this session's activity is reported (its status slot), {@link ActivityReporter#NONE} until attached. */
    private ActivityReporter activity = ActivityReporter.NONE;
    /** What FROM clauses can name; pg_stat_activity answers 0A000 until a status array is attached. */
    private SystemRelations relations = new SystemRelations(null);
    /** The database's tables and catalogs (access/catalog), null until {@link #attachCatalog}. */
    private org.pgjava.backend.utils.relation.RelationResolver catalogRelations;
    /** The session's pg_stat_activity (its snapshot lives until the transaction ends), null without a source. */
    private PgStatActivity pgStatActivity;

    /**
     * Creates the session state; applies nothing yet (see {@link #applyStartupParameters()}).
     *
     * @param user              the authenticated role name (session_authorization)
     * @param database          the database connected to
     * @param roleOid           OID of the role
     * @param databaseOid       OID of the database
     * @param superuser         whether the role is a superuser
     * @param backendPid        this process's pid (pg_backend_pid())
     * @param startupParameters the StartupMessage's name/value pairs in arrival order (null = none)
     * @param serverSettings    base values (postgresql.conf + command line); copied, never modified
     */
    public Session(String user, String database, int roleOid, int databaseOid, boolean superuser, int backendPid,
                   Map<String, String> startupParameters, Settings serverSettings) {
        this.user = user;
        this.database = database;
        this.roleOid = roleOid;
        this.databaseOid = databaseOid;
        this.superuser = superuser;
        this.backendPid = backendPid;
        this.startupParameters = startupParameters == null ? Map.of() : startupParameters;
        this.settings = serverSettings.copy();
        this.xact = new TransactionBlock(settings, this::atTransactionEnd, pendingNotices);
    }

    /**
     * Connects the session to the shared status array once the process has attached the segment: FROM
     * pg_stat_activity then reads {@code source}, and the session reports its state changes to
     * {@code reporter}. Either may be null (nothing to read: pg_stat_activity is 0A000; nothing to
     * report: {@link ActivityReporter#NONE}). Call before the first statement, on the session's thread.
     */
    public void attachActivity(ActivitySource source, ActivityReporter reporter) {
        this.pgStatActivity = source == null ? null : new PgStatActivity(source, roleOid, superuser);
        this.relations = new SystemRelations(pgStatActivity, catalogRelations);
        this.activity = reporter == null ? ActivityReporter.NONE : reporter;
        activity.applicationNameChanged(settings.show("application_name"));
    }

    /**
     * Connects the session to this process's storage: every transaction of the session becomes a storage
     * transaction of a new {@link TransactionManager} (isolation from transaction_isolation,
     * synchronous_commit read at each commit). Call before the first statement, on the session's thread.
     */
    public void attachStorage(ProcessStorage processStorage) {
        if (xact.inTransaction()) {
            throw new IllegalStateException("attachStorage inside a transaction");
        }
        this.storage = processStorage;
        TransactionManager tm = new TransactionManager(processStorage, () -> settings.show("transaction_isolation"));
        xact.attachStorage(tm);
    }

    /**
     * Connects FROM-clause names and DDL to the database's catalogs: {@code catalogRelations} (an
     * access/catalog CatalogRelations bound to {@link #transactionManager()}) is searched after the system
     * views and provides the catalog writer. Call after {@link #attachStorage}, before the first statement.
     */
    public void attachCatalog(org.pgjava.backend.utils.relation.RelationResolver catalogRelations) {
        this.catalogRelations = catalogRelations;
        this.relations = new SystemRelations(pgStatActivity, catalogRelations);
    }

    /**
     * The session's transaction manager (what the relation resolver binds heap tables to), or null when no
     * storage is attached.
     */
    public TransactionManager transactionManager() {
        return xact.storage();
    }

    /** The process storage attached with {@link #attachStorage}, or null. */
    public ProcessStorage processStorage() {
        return storage;
    }

    /**
     * Lets pg_cancel_backend / pg_terminate_backend signal other backends found in the status slots of
     * {@code source}; {@code superuserRole} tells whether a role OID is a superuser's. Without this call
     * those functions answer 0A000.
     */
    public void attachSignals(ActivitySource source, java.util.function.IntPredicate superuserRole) {
        this.signaller = new BackendSignaller(source, superuserRole);
    }

    /**
     * A client statement (Query, Parse, Bind, Execute) starts: statement_timestamp() is now, and so is
     * now() when no transaction is open yet (the statement's implicit transaction, or BEGIN's).
     */
    private void markStatementStart() {
        statementStartMicros = org.pgjava.shmem.status.BackendStatusSlot.currentTimestamp();
        if (!xact.inTransaction()) {
            transactionStartMicros = statementStartMicros;
        }
        if (storage != null) {
            // deadlock_timeout and lock_timeout as SET / reload left them, for this statement's lock waits
            storage.locks().setTimeouts(settings.getLong("deadlock_timeout"), settings.getLong("lock_timeout"));
        }
    }

    /** OID of the session's role. */
    public int roleOid() {
        return roleOid;
    }

    /** OID of the session's database. */
    public int databaseOid() {
        return databaseOid;
    }

    /** The executor's view of this session (settings, identity, interrupts). */
    public SessionContext context() {
        return context;
    }

    // =====================================================================================================
    // startup, interrupts, status

    /**
     * Sets is_superuser and session_authorization, then applies the {@code options} startup parameter
     * ({@link StartupOptions}) and every other startup parameter as a setting with source CLIENT (user,
     * database, options, replication and {@code _pq_.*} are not settings).
     *
     * @throws PgException a bad value (22023), an unknown setting (42704), one that cannot be changed
     *                     (55P02) or a malformed option (42601): the session must end with it as FATAL
     */
    public void applyStartupParameters() {
        settings.setOverride("is_superuser", superuser ? "on" : "off");
        settings.setOverride("session_authorization", user);
        String options = startupParameters.get("options");
        if (options != null) {
            for (StartupOptions.Assignment a : StartupOptions.parse(options)) {
                settings.set(a.name(), a.value(), SettingSource.CLIENT, superuser);
            }
        }
        for (Map.Entry<String, String> p : startupParameters.entrySet()) {
            String name = p.getKey();
            switch (name) {
                case "user", "database", "options", "replication" -> {
                    continue;
                }
                default -> {
                    if (name.startsWith("_pq_.")) continue;   // protocol options: the postmaster's business
                }
            }
            settings.set(name, p.getValue(), SettingSource.CLIENT, superuser);
        }
    }

    /** Asks the running statement to stop with 57014 at its next interrupt check. Thread-safe. */
    public void requestCancel() {
        cancelPending = true;
    }

    /** Asks the session to end with FATAL 57P01 at its next interrupt check. Thread-safe. */
    public void requestTerminate() {
        terminatePending = true;
    }

    /**
     * Starts the statement_timeout clock for the statement (or extended-query message group) that begins
     * now, unless it is already running or statement_timeout is 0. When it expires, the next interrupt
     * check fails with 57014 "canceling statement due to statement timeout". Call on the session's thread.
     */
    public void enableStatementTimeout() {
        if (statementTimeout != null) {
            return;
        }
        int ms = settings.getInt("statement_timeout");
        if (ms <= 0) {
            return;
        }
        if (timeoutTimer == null) {
            timeoutTimer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "statement-timeout");
                t.setDaemon(true);
                return t;
            });
        }
        statementTimeout = timeoutTimer.schedule(() -> statementTimeoutPending = true, ms, TimeUnit.MILLISECONDS);
    }

    /** Stops the statement_timeout clock (statement done, failed, or Sync) and forgets an expiry not yet seen. */
    public void disableStatementTimeout() {
        if (statementTimeout != null) {
            statementTimeout.cancel(false);
            statementTimeout = null;
        }
        statementTimeoutPending = false;
    }

    /**
     * The idle limit that applies while waiting for the client's next command: idle_in_transaction_session_timeout
     * inside a transaction block, idle_session_timeout outside; 0 = none. In milliseconds.
     */
    public int idleTimeoutMillis(boolean inTransactionBlock) {
        return settings.getInt(inTransactionBlock ? "idle_in_transaction_session_timeout" : "idle_session_timeout");
    }

    /** Drops a cancel that arrived while the session was idle (PostgreSQL forgets those). */
    public void forgetCancel() {
        cancelPending = false;
    }

    /** The status ReadyForQuery reports now. */
    public TransactionStatus transactionStatus() {
        return xact.status();
    }

    /** True while any transaction (single-statement, implicit, block or failed block) is open. */
    public boolean inTransaction() {
        return xact.inTransaction();
    }

    /** The current value of client_encoding (the protocol layer converts text with it). */
    public String clientEncoding() {
        return settings.show("client_encoding");
    }

    /**
     * Tells {@code sink} every reported (GUC_REPORT) setting whose value changed since the last call, all of
     * them the first time. The names are looked up once; each call costs 13 {@link Settings#show} calls.
     * The caller calls this right before every ReadyForQuery, so it is also where the session reports its idle
     * state ("idle", "idle in transaction", "idle in transaction (aborted)") to its {@link ActivityReporter},
     * as PostgresMain does before ReadyForQuery, and a changed application_name.
     */
    public void takeChangedReportedSettings(ReportedSettingSink sink) throws IOException {
        activity.idle(xact.status());
        if (reportedNames == null) {
            reportedNames = settings.reportedNames().toArray(new String[0]);
            lastReported = new String[reportedNames.length];
        }
        for (int i = 0; i < reportedNames.length; i++) {
            String v = settings.show(reportedNames[i]);
            if (!v.equals(lastReported[i])) {
                sink.changed(reportedNames[i], v);
                lastReported[i] = v;
                if (reportedNames[i].equals("application_name")) activity.applicationNameChanged(v);
            }
        }
    }

    private static final String[] CLIENT_LEVELS = {"debug5", "debug4", "debug3", "debug2", "debug1", "log",
            "notice", "warning", "error"};

    /** True when notices (warnings raised by utility statements and transaction control) are queued. */
    public boolean hasNotices() {
        return !pendingNotices.isEmpty();
    }

    /**
     * Hands the queued notices that client_min_messages lets through (INFO always) to {@code sink}, in the
     * order they were raised, and empties the queue.
     */
    public void takeNotices(NoticeSink sink) throws IOException {
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
            if (level >= min) sink.notice(n);
        }
        pendingNotices.clear();
    }

    /** Drops the queued notices unsent. */
    public void discardNotices() {
        pendingNotices.clear();
    }

    private static int clientLevelIndex(String value) {
        for (int i = 0; i < CLIENT_LEVELS.length; i++) {
            if (CLIENT_LEVELS[i].equalsIgnoreCase(value)) return i;
        }
        return 6;
    }

    // =====================================================================================================
    // transaction control around commands

    /** start_xact_command: opens a single-statement transaction when none is open. */
    public void startCommand() {
        xact.startCommand();
    }

    /** finish_xact_command: commits a single-statement transaction; blocks stay open. */
    public void finishCommand() {
        xact.finishCommand();
    }

    /**
     * The error path: a single-statement or implicit transaction rolls back, a block becomes failed
     * ({@link TransactionStatus#FAILED}).
     */
    public void abortCurrentTransaction() {
        if (storage != null) storage.releaseAfterError();   // LWLocks, then buffer pins, then the abort
        xact.abortCurrent();
    }

    /** True inside a failed transaction block. */
    public boolean isAborted() {
        return xact.isAborted();
    }

    /** PostgreSQL's 25P02 {@code current transaction is aborted, commands ignored until end of transaction block}. */
    public static PgException transactionAbortedError() {
        return PgException.error(SqlState.IN_FAILED_SQL_TRANSACTION, ABORTED_MESSAGE);
    }

    /**
     * Throws 25P02 when the transaction block failed and {@code raw} is not one of the statements that may run
     * there (COMMIT, ROLLBACK, ROLLBACK TO, PREPARE TRANSACTION).
     */
    public void rejectIfAborted(RawStatement raw) {
        if (xact.isAborted() && !isTransactionExit(raw)) throw transactionAbortedError();
    }

    private static boolean isTransactionExit(RawStatement raw) {
        return raw != null && raw.stmt() instanceof TransactionStmt t
                && (t.kind() == TransactionStmt.Kind.COMMIT || t.kind() == TransactionStmt.Kind.ROLLBACK
                || t.kind() == TransactionStmt.Kind.ROLLBACK_TO || t.kind() == TransactionStmt.Kind.PREPARE);
    }

    // =====================================================================================================
    // simple query (exec_simple_query without the messages)

    /**
     * Starts a simple Query: drops the unnamed statement and portal, opens a transaction and parses the
     * string. For an empty string (no statements) the transaction is finished at once.
     *
     * @return the statements, in order
     * @throws PgException a syntax error
     */
    public List<RawStatement> beginSimpleQuery(String query) {
        dropUnnamedStatement();
        closePortal("");
        markStatementStart();
        activity.statementStarted(query, !xact.inTransaction());
        xact.startCommand();
        List<RawStatement> parsed = Parser.parse(query);
        if (parsed.isEmpty()) xact.finishCommand();
        return parsed;
    }

    /**
     * Before one statement of a simple Query: 25P02 in a failed block (except the transaction exits), opens
     * the transaction, and turns it into an implicit block when the message has several statements.
     */
    public void startStatement(RawStatement raw, boolean implicitBlock) {
        rejectIfAborted(raw);
        xact.startCommand();
        if (implicitBlock) xact.beginImplicitBlock();
    }

    /** What the process title shows while {@code raw} runs: the utility's tag or the statement's first keyword. */
    public static String activityOf(String query, RawStatement raw) {
        return raw.stmt() instanceof UtilityStatement u ? u.commandTag() : commandWord(query, raw);
    }

    /**
     * Plans one statement of a simple Query fully (no parameters: {@code $1} is 42P02) and wraps it in an
     * unnamed portal that is not registered (the caller closes it).
     */
    public Portal prepareSimpleStatement(String query, RawStatement raw) {
        return new Portal("", prepare("", query, raw, null), NO_PARAMETERS, null);
    }

    /**
     * After one statement of a simple Query ran: the last one ends the implicit block and commits; a
     * transaction statement before the last one takes effect now.
     */
    public void finishStatement(RawStatement raw, boolean last, boolean implicitBlock) {
        if (!(raw.stmt() instanceof TransactionStmt)) xact.statementDone(hasSuspendedPortals());
        if (last) {
            if (implicitBlock) xact.endImplicitBlock();
            xact.finishCommand();
        } else if (raw.stmt() instanceof TransactionStmt) {
            xact.finishCommand();
        }
    }

    // =====================================================================================================
    // extended query (exec_parse/bind/execute_message without the messages)

    /**
     * Parse: analyzes one statement (names, types, parameter types, result columns; planning finishes at
     * Bind) and stores it under {@code name}, replacing the unnamed one.
     *
     * @param paramTypes the declared parameter type OIDs (0 = infer)
     * @throws PgException 42601 for several statements, 25P02 in a failed block (unless a transaction exit),
     *                     42P05 for an existing name, and every analysis error
     */
    public void parse(String name, String query, int[] paramTypes) {
        if (name.isEmpty()) dropUnnamedStatement();
        markStatementStart();
        activity.statementStarted(query, !xact.inTransaction());
        xact.startCommand();
        List<RawStatement> parsed = Parser.parse(query);
        if (parsed.size() > 1) {
            throw PgException.error(SqlState.SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");
        }
        RawStatement raw = parsed.isEmpty() ? null : parsed.get(0);
        if (xact.isAborted() && raw != null && !isTransactionExit(raw)) throw transactionAbortedError();
        PreparedStatementEntry stmt = prepare(name, query, raw, paramTypes);
        if (!name.isEmpty() && statements.containsKey(name)) {
            throw PgException.error(SqlState.DUPLICATE_PREPARED_STATEMENT,
                    "prepared statement \"" + name + "\" already exists");
        }
        statements.put(name, stmt);
    }

    /**
     * The prepared statement called {@code name}.
     *
     * @throws PgException 26000 when there is none
     */
    public PreparedStatementEntry lookupStatement(String name) {
        PreparedStatementEntry s = statements.get(name);
        if (s == null) {
            throw PgException.error(SqlState.INVALID_SQL_STATEMENT_NAME, name.isEmpty()
                    ? "unnamed prepared statement does not exist"
                    : "prepared statement \"" + name + "\" does not exist");
        }
        return s;
    }

    /**
     * Bind, before its parameters are converted: opens the transaction, 25P02 in a failed block (a transaction
     * exit without parameters may run), drops the unnamed portal or rejects an existing named one (42P03).
     */
    public void startBind(String portalName, PreparedStatementEntry stmt, int numParams) {
        markStatementStart();
        activity.statementStarted(stmt.query(), !xact.inTransaction());
        xact.startCommand();
        if (xact.isAborted() && (!isTransactionExit(stmt.raw()) || numParams != 0)) throw transactionAbortedError();
        if (portalName.isEmpty()) {
            closePortal("");
        } else if (portals.containsKey(portalName)) {
            throw PgException.error(SqlState.DUPLICATE_CURSOR, "cursor \"" + portalName + "\" already exists");
        }
    }

    /** Bind, after the parameters: finishes planning (idempotent; constant-expression errors surface here). */
    public void finishPlanning(PreparedStatementEntry stmt) {
        if (stmt.plan() != null) stmt.plan().finishPlanning(context);
    }

    /**
     * Bind, last step: registers the portal under {@code portalName}.
     *
     * @param resultFormats one format code per result column, or null for all text
     */
    public Portal createPortal(String portalName, PreparedStatementEntry stmt, Object[] params, short[] resultFormats) {
        Portal p = new Portal(portalName, stmt, params, resultFormats);
        portals.put(portalName, p);
        return p;
    }

    /**
     * The portal called {@code name}.
     *
     * @throws PgException 34000 when there is none
     */
    public Portal lookupPortal(String name) {
        Portal p = portals.get(name);
        if (p == null) throw PgException.error(SqlState.INVALID_CURSOR_NAME, "portal \"" + name + "\" does not exist");
        return p;
    }

    /**
     * Execute, before running a (non-empty) portal: opens the transaction, 25P02 in a failed block, 55000
     * {@code portal "x" cannot be run} for a finished portal that returns no rows.
     */
    public void startExecute(Portal portal) {
        PreparedStatementEntry stmt = portal.statement();
        markStatementStart();
        activity.statementStarted(stmt.query(), !xact.inTransaction());
        xact.startCommand();
        rejectIfAborted(stmt.raw());
        if (portal.isDone() && !stmt.returnsRows()) {
            throw PgException.error(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "portal \"" + portal.name() + "\" cannot be run");
        }
    }

    /** Execute completed the portal: a transaction statement takes effect now. */
    public void finishExecute(Portal portal) {
        if (portal.statement().raw() != null && portal.statement().raw().stmt() instanceof TransactionStmt) {
            xact.finishCommand();
        } else {
            xact.statementDone(hasSuspendedPortals());
        }
    }

    /** True while a portal has started and is not done (suspended by a row limit): its scan holds a snapshot. */
    private boolean hasSuspendedPortals() {
        for (Portal p : portals.values()) {
            if (p.isStarted() && !p.isDone()) return true;
        }
        return false;
    }

    /** Execute failed: the portal is closed and forgotten. */
    public void dropFailedPortal(Portal portal) {
        portal.close();
        portals.remove(portal.name(), portal);
    }

    /** Close 'S': drops the statement if it exists (no error otherwise). */
    public void closeStatement(String name) {
        if (name.isEmpty()) dropUnnamedStatement();
        else statements.remove(name);
    }

    /** Close 'P' (and the implicit drops): closes and forgets the portal if it exists. */
    public void closePortal(String name) {
        Portal p = portals.remove(name);
        if (p != null) p.close();
    }

    private void dropUnnamedStatement() {
        statements.remove("");
    }

    /** Every commit or rollback: portals end, the transaction's activity snapshot is dropped. */
    private void atTransactionEnd() {
        dropAllPortals();
        if (pgStatActivity != null) pgStatActivity.clearSnapshot();
    }

    private void dropAllPortals() {
        for (Portal p : portals.values()) p.close();
        portals.clear();
    }

    /** Drops every piece of session state: the open transaction, portals, prepared statements, notices. */
    public void release() {
        disableStatementTimeout();
        if (timeoutTimer != null) {
            timeoutTimer.shutdownNow();
            timeoutTimer = null;
        }
        if (storage != null) storage.releaseAfterError();
        xact.abortAll();
        dropAllPortals();
        statements.clear();
        pendingNotices.clear();
    }

    // =====================================================================================================
    // preparing and running statements

    /**
     * Plans (or, for utility statements, describes) one statement. A simple Query ({@code paramTypes} null)
     * plans fully now; a Parse only analyzes, and planning finishes at Bind (PostgreSQL plans extended-query
     * statements at Bind, so errors of constant expressions such as 1/0 surface there).
     */
    private PreparedStatementEntry prepare(String name, String query, RawStatement raw, int[] paramTypes) {
        int[] declared = paramTypes == null ? NO_TYPES : paramTypes;
        if (raw == null) {
            return new PreparedStatementEntry(name, query, null, null, null, declared, List.of(), "");
        }
        if (raw.stmt() instanceof UtilityStatement u) {
            return new PreparedStatementEntry(name, query, raw, u, null, declared, utilityColumns(u),
                    u.commandTag());
        }
        var plan = paramTypes == null ? Planner.plan(raw, null, context, Parser::parseExpression)
                : Planner.analyze(raw, paramTypes, context, Parser::parseExpression);
        return new PreparedStatementEntry(name, query, raw, null, plan, plan.parameterTypes(),
                plan.resultColumns(), commandWord(query, raw));
    }

    /**
     * Starts a portal's execution (call only when {@link Portal#isStarted()} and {@link Portal#isDone()} are
     * false): a utility statement runs to completion now (its rows and tag are served by the portal, its
     * warnings queued for {@link #takeNotices}); a planned statement starts its executor run.
     *
     * @return true when a utility statement ran (the caller then sends the queued notices, before the rows)
     * @throws PgException every error of the statement
     */
    public boolean startPortal(Portal portal) {
        PreparedStatementEntry stmt = portal.statement();
        if (stmt.utility() != null) {
            portal.run = executeUtility(stmt.utility(), stmt.query());
            return true;
        }
        xact.markSnapshotTaken();
        portal.run = stmt.plan().start(portal.params, context);
        List<PgException> notices = portal.run.takeNotices();
        pendingNotices.addAll(notices);
        return !notices.isEmpty();
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
    private QueryRun executeUtility(UtilityStatement u, String query) {
        List<Object[]> rows = List.of();
        String tag = u.commandTag();
        if (u instanceof VariableSetStmt set) {
            executeSet(set, query);
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
        return new RowsRun(rows, tag);
    }

    /** Lists whose elements SET joins with ", " (GUC_LIST_INPUT), and which of them quote (GUC_LIST_QUOTE). */
    private static final Set<String> LIST_SETTINGS = Set.of("datestyle", "search_path", "temp_tablespaces",
            "session_preload_libraries", "shared_preload_libraries", "local_preload_libraries", "log_destination",
            "listen_addresses", "unix_socket_directories", "wal_consistency_checking");
    private static final Set<String> QUOTED_LIST_SETTINGS = Set.of("search_path", "temp_tablespaces",
            "session_preload_libraries", "shared_preload_libraries", "local_preload_libraries");

    private void executeSet(VariableSetStmt set, String query) {
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
            return database;
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
        public org.pgjava.backend.utils.relation.RelationResolver relations() {
            return relations;
        }

        @Override
        public long transactionStartTimestamp() {
            return transactionStartMicros;
        }

        @Override
        public long statementStartTimestamp() {
            return statementStartMicros;
        }

        @Override
        public void reportWaitStart(org.pgjava.shmem.status.WaitEvent event) {
            activity.waitStarted(event);
        }

        @Override
        public void reportWaitEnd() {
            activity.waitEnded();
        }

        @Override
        public void notice(PgException notice) {
            pendingNotices.add(notice);
        }

        @Override
        public boolean signalBackend(int pid, boolean terminate) {
            if (signaller == null) {
                throw PgException.notSupported("signalling other backends without shared memory");
            }
            boolean sent = signaller.signal(pid, terminate, roleOid, superuser, pendingNotices::add,
                    terminate ? Session.this::requestTerminate : Session.this::requestCancel);
            if (sent && pid == backendPid) {
                checkForInterrupts();   // PostgreSQL: the signal to oneself is acted on before the result
            }
            return sent;
        }

        @Override
        public boolean processExists(int pid) {
            return BackendSignaller.processExists(pid);
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
            if (statementTimeoutPending) {
                statementTimeoutPending = false;
                throw PgException.error(SqlState.QUERY_CANCELED, "canceling statement due to statement timeout");
            }
        }
    }
}
