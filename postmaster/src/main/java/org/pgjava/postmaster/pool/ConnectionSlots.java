package org.pgjava.postmaster.pool;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

import java.util.HashMap;
import java.util.Map;

/**
 * Connection accounting for max_connections, superuser_reserved_connections and per-role / per-database
 * connection limits, as PostgreSQL counts PGPROC slots: a client takes a slot as soon as its
 * StartupMessage arrives (so clients in authentication count), and gives it back when it fails or when its
 * backend reports the client done (or dies). Entry points: {@link #reserve}, {@link Slot#checkReserved},
 * {@link Slot#bind}, {@link Slot#release}.
 *
 * <p>Thread-safety: all methods synchronize on this object.
 */
public final class ConnectionSlots {
    private int maxConnections;
    private int reservedForSuperuser;
    private int inUse;
    private final Map<Integer, Integer> perRole = new HashMap<>();
    private final Map<Integer, Integer> perDatabase = new HashMap<>();

    /** Creates the counters with the given limits. */
    public ConnectionSlots(int maxConnections, int reservedForSuperuser) {
        this.maxConnections = maxConnections;
        this.reservedForSuperuser = reservedForSuperuser;
    }

    /** Applies new limits (after a reload; max_connections itself is postmaster-start only in PostgreSQL). */
    public synchronized void setLimits(int maxConnections, int reservedForSuperuser) {
        this.maxConnections = maxConnections;
        this.reservedForSuperuser = reservedForSuperuser;
    }

    /** Slots in use now. */
    public synchronized int inUse() {
        return inUse;
    }

    /**
     * Takes a slot for a client that just sent its StartupMessage.
     * @throws PgException FATAL 53300 "sorry, too many clients already" when all max_connections are taken
     */
    public synchronized Slot reserve() {
        if (inUse >= maxConnections) {
            throw PgException.fatal(SqlState.TOO_MANY_CONNECTIONS, "sorry, too many clients already");
        }
        inUse++;
        return new Slot();
    }

    /** One client's slot. Release exactly once (further calls are ignored). */
    public final class Slot {
        private boolean released;
        private int roleOid = -1;
        private int databaseOid = -1;

        private Slot() {
        }

        /**
         * PostgreSQL's reserved-slot check, made after authentication: a non-superuser may not take one
         * of the last superuser_reserved_connections slots.
         * @throws PgException FATAL 53300 "remaining connection slots are reserved for non-replication
         *                     superuser connections"
         */
        public void checkReserved(boolean superuser) {
            synchronized (ConnectionSlots.this) {
                if (!superuser && reservedForSuperuser > 0 && maxConnections - inUse < reservedForSuperuser) {
                    throw PgException.fatal(SqlState.TOO_MANY_CONNECTIONS,
                            "remaining connection slots are reserved for non-replication superuser connections");
                }
            }
        }

        /**
         * Counts this slot against its role and database and checks their connection limits (-1 = no
         * limit; superusers are exempt, as in PostgreSQL).
         * @throws PgException FATAL 53300 too many connections for role / database (the slot stays
         *                     reserved; the caller releases it)
         */
        public void bind(int roleOid, String roleName, int roleLimit, int databaseOid, String databaseName,
                         int databaseLimit, boolean superuser) {
            synchronized (ConnectionSlots.this) {
                if (released || this.roleOid >= 0) {
                    throw new IllegalStateException("slot already bound or released");
                }
                this.roleOid = roleOid;
                this.databaseOid = databaseOid;
                int r = perRole.merge(roleOid, 1, Integer::sum);
                int d = perDatabase.merge(databaseOid, 1, Integer::sum);
                if (!superuser && roleLimit >= 0 && r > roleLimit) {
                    throw PgException.fatal(SqlState.TOO_MANY_CONNECTIONS,
                            "too many connections for role \"" + roleName + "\"");
                }
                if (!superuser && databaseLimit >= 0 && d > databaseLimit) {
                    throw PgException.fatal(SqlState.TOO_MANY_CONNECTIONS,
                            "too many connections for database \"" + databaseName + "\"");
                }
            }
        }

        /** Gives the slot back; idempotent. */
        public void release() {
            synchronized (ConnectionSlots.this) {
                if (released) {
                    return;
                }
                released = true;
                inUse--;
                if (roleOid >= 0) {
                    perRole.computeIfPresent(roleOid, (k, v) -> v <= 1 ? null : v - 1);
                    perDatabase.computeIfPresent(databaseOid, (k, v) -> v <= 1 ? null : v - 1);
                }
            }
        }
    }
}
