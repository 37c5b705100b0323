package org.pgjava.backend.tcop;

import org.pgjava.backend.utils.SessionContext;
import org.pgjava.backend.utils.adt.Inet;
import org.pgjava.backend.utils.relation.RelationColumn;
import org.pgjava.backend.utils.relation.RelationSource;
import org.pgjava.backend.utils.relation.RowScan;
import org.pgjava.shmem.procarray.BackendType;
import org.pgjava.shmem.status.BackendStatus;
import org.pgjava.shmem.status.WaitEvent;

import java.util.Iterator;
import java.util.List;

/**
 * The system view {@code pg_catalog.pg_stat_activity} (OID 12222 in PostgreSQL 15) over a snapshot of the
 * backend status array: PostgreSQL 15's columns, order and types, one row per process in slot order,
 * values as pg_stat_get_activity produces them. One snapshot per transaction (see {@link #openScan}).
 *
 * <p>Entry points: the {@link RelationSource} methods; made by {@link SystemRelations} for one session,
 * whose role decides the visibility rule.
 *
 * <p>Visibility (pgstatfuncs.c, HAS_PGSTAT_PERMISSIONS): a superuser, or a role looking at a process of
 * its own role, sees every column. Otherwise only datid, datname, pid, usesysid, usename,
 * application_name, backend_xid and backend_xmin are shown; query is {@code <insufficient privilege>} and
 * every other column NULL (backend_type too). pgjava has no role membership or pg_read_all_stats yet, so
 * "own role" means the same role OID. Standby backends (pgjava's pre-started JVMs without a client) are
 * not rows: PostgreSQL has no such processes.
 *
 * <p>Value rules: datid/usesysid/backend_xid/backend_xmin NULL when 0; timestamps NULL when 0;
 * client_addr/client_port NULL without a client, NULL/-1 for a Unix socket; client_hostname NULL
 * (log_hostname is off); leader_pid NULL (no parallel workers); query_id NULL (compute_query_id is off);
 * state NULL when never reported (auxiliary processes); wait_event_type/wait_event the names of the
 * {@link WaitEvent} in the slot, NULL when not waiting (or for a code this build does not know).
 */
public final class PgStatActivity implements RelationSource {
    /** pg_class OID of pg_stat_activity in PostgreSQL 15. */
    public static final int OID = 12222;
    private static final int OID_TYPE = 26, NAME = 19, INT4 = 23, TEXT = 25, INET = 869, TIMESTAMPTZ = 1184,
            XID = 28, INT8 = 20;
    private static final List<RelationColumn> COLUMNS = List.of(
            new RelationColumn("datid", OID_TYPE, -1),
            new RelationColumn("datname", NAME, -1),
            new RelationColumn("pid", INT4, -1),
            new RelationColumn("leader_pid", INT4, -1),
            new RelationColumn("usesysid", OID_TYPE, -1),
            new RelationColumn("usename", NAME, -1),
            new RelationColumn("application_name", TEXT, -1),
            new RelationColumn("client_addr", INET, -1),
            new RelationColumn("client_hostname", TEXT, -1),
            new RelationColumn("client_port", INT4, -1),
            new RelationColumn("backend_start", TIMESTAMPTZ, -1),
            new RelationColumn("xact_start", TIMESTAMPTZ, -1),
            new RelationColumn("query_start", TIMESTAMPTZ, -1),
            new RelationColumn("state_change", TIMESTAMPTZ, -1),
            new RelationColumn("wait_event_type", TEXT, -1),
            new RelationColumn("wait_event", TEXT, -1),
            new RelationColumn("state", TEXT, -1),
            new RelationColumn("backend_xid", XID, -1),
            new RelationColumn("backend_xmin", XID, -1),
            new RelationColumn("query_id", INT8, -1),
            new RelationColumn("query", TEXT, -1),
            new RelationColumn("backend_type", TEXT, -1));
    /** What a non-privileged viewer sees as another role's query. */
    public static final String INSUFFICIENT_PRIVILEGE = "<insufficient privilege>";

    private final ActivitySource source;
    private final int viewerRoleOid;
    private final boolean viewerSuperuser;
    /** The snapshot this transaction reads (PostgreSQL keeps it until the transaction ends); null = none yet. */
    private List<BackendStatus> snapshot;

    /**
     * @param source          the status array's snapshots
     * @param viewerRoleOid   the role whose privileges apply
     * @param viewerSuperuser whether that role is a superuser (sees everything)
     */
    public PgStatActivity(ActivitySource source, int viewerRoleOid, boolean viewerSuperuser) {
        this.source = source;
        this.viewerRoleOid = viewerRoleOid;
        this.viewerSuperuser = viewerSuperuser;
    }

    @Override
    public String schemaName() {
        return "pg_catalog";
    }

    @Override
    public String name() {
        return "pg_stat_activity";
    }

    @Override
    public int tableOid() {
        return OID;
    }

    @Override
    public List<RelationColumn> columns() {
        return COLUMNS;
    }

    /**
     * Scans the transaction's snapshot of the status array, taking it at the transaction's first scan: as in
     * PostgreSQL (pgstat_read_current_status), every scan until the transaction ends shows the same rows.
     */
    @Override
    public RowScan openScan(SessionContext session) {
        if (snapshot == null) snapshot = source.snapshot();
        Iterator<BackendStatus> it = snapshot.iterator();
        return () -> {
            while (it.hasNext()) {
                BackendStatus s = it.next();
                if (s.backendType() == BackendType.STANDBY_BACKEND) continue;
                return row(s);
            }
            return null;
        };
    }

    /** The transaction ended: the next scan takes a new snapshot (pgstat_clear_backend_activity_snapshot). */
    void clearSnapshot() {
        snapshot = null;
    }

    /** One row for {@code s} as this viewer sees it. */
    Object[] row(BackendStatus s) {
        Object[] r = new Object[COLUMNS.size()];
        r[0] = s.databaseOid() == 0 ? null : Long.valueOf(Integer.toUnsignedLong(s.databaseOid()));
        r[1] = s.databaseName();
        r[2] = s.pid();
        r[4] = s.roleOid() == 0 ? null : Long.valueOf(Integer.toUnsignedLong(s.roleOid()));
        r[5] = s.roleName();
        r[6] = s.applicationName();
        r[17] = s.backendXid() == 0 ? null : Long.valueOf(s.backendXid());
        r[18] = s.backendXmin() == 0 ? null : Long.valueOf(s.backendXmin());
        if (!viewerSuperuser && (s.roleOid() == 0 || s.roleOid() != viewerRoleOid)) {
            r[20] = INSUFFICIENT_PRIVILEGE;
            return r;
        }
        switch (s.clientKind()) {
            case INET4 -> {
                r[7] = new Inet(s.clientAddress(), 32);
                r[9] = s.clientPort();
            }
            case INET6 -> {
                r[7] = new Inet(s.clientAddress(), 128);
                r[9] = s.clientPort();
            }
            case UNIX -> r[9] = -1;
            case NONE -> { }
        }
        r[10] = timestamp(s.backendStart());
        r[11] = timestamp(s.transactionStart());
        r[12] = timestamp(s.queryStart());
        r[13] = timestamp(s.stateChange());
        WaitEvent wait = WaitEvent.of(s.waitEventType(), s.waitEventId());
        if (wait != null) {
            r[14] = wait.type().text();
            r[15] = wait.text();
        } else if (s.waitEventType() == WaitEvent.Type.LWLOCK.code()) {
            String tranche = org.pgjava.shmem.lock.LWLockTranche.nameOf(s.waitEventId());
            if (tranche != null) {
                r[14] = WaitEvent.Type.LWLOCK.text();
                r[15] = tranche;
            }
        }
        r[16] = s.state() == null ? null : s.state().text();
        r[20] = s.query();
        r[21] = s.backendType() == null ? null : s.backendType().description();
        return r;
    }

    private static Long timestamp(long t) {
        return t == 0 ? null : t;
    }
}
