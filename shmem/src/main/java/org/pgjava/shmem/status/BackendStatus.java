package org.pgjava.shmem.status;

import org.pgjava.shmem.procarray.BackendType;

/**
 * An immutable, consistent copy of one backend status slot, made by {@link BackendStatusArray#snapshot()}.
 * Timestamps are PostgreSQL TimestampTz values: microseconds since 2000-01-01 00:00:00 UTC, 0 = not set.
 *
 * @param slot            the slot index
 * @param pid             the process id
 * @param backendType     the process kind (null only for an unknown stored code)
 * @param databaseOid     0 when not connected to a database (auxiliary processes)
 * @param databaseName    null when not connected to a database
 * @param roleOid         0 when there is no role
 * @param roleName        null when there is no role
 * @param applicationName "" when not set (PostgreSQL shows an empty string, not NULL, for client backends)
 * @param clientKind      how the client is connected
 * @param clientAddress   4 or 16 bytes for TCP clients (a fresh copy on each call), null otherwise
 * @param clientPort      the client's TCP port; -1 for a Unix socket; 0 when there is no client
 * @param backendStart    when the process started (or took its client)
 * @param transactionStart start of the current transaction, 0 = none
 * @param queryStart      start of the current or last statement, 0 = none yet
 * @param stateChange     when {@code state} last changed, 0 = never set
 * @param state           null when never reported (auxiliary processes)
 * @param waitEventType   0 = not waiting
 * @param waitEventId     the event within its type
 * @param backendXid      top transaction id, 0 = none
 * @param backendXmin     xmin horizon, 0 = none
 * @param query           the current or last statement's text, truncated to the slot's size ("" when none)
 * @param changeCount     the slot's change counter at the copy (even)
 */
public record BackendStatus(int slot, int pid, BackendType backendType, int databaseOid, String databaseName,
                            int roleOid, String roleName, String applicationName, ClientKind clientKind,
                            byte[] clientAddress, int clientPort, long backendStart, long transactionStart,
                            long queryStart, long stateChange, BackendState state, int waitEventType,
                            int waitEventId, long backendXid, long backendXmin, String query, int changeCount) {
    /** Copies {@code clientAddress}, so the record stays immutable. */
    public BackendStatus {
        clientAddress = clientAddress == null ? null : clientAddress.clone();
    }

    /**
     * This status with backend_xid and backend_xmin replaced: PostgreSQL shows them from the process array
     * (PGPROC), which the transaction code maintains, not from the status slot.
     */
    public BackendStatus withTransactionIds(long xid, long xmin) {
        return new BackendStatus(slot, pid, backendType, databaseOid, databaseName, roleOid, roleName,
                applicationName, clientKind, clientAddress, clientPort, backendStart, transactionStart, queryStart,
                stateChange, state, waitEventType, waitEventId, xid, xmin, query, changeCount);
    }

    /** How a backend's client is connected. */
    public enum ClientKind {
        /** No client (auxiliary process): client_addr, client_port NULL. */
        NONE(0),
        /** Unix-domain socket: client_addr NULL, client_port -1. */
        UNIX(1),
        /** TCP over IPv4: 4 address bytes. */
        INET4(4),
        /** TCP over IPv6: 16 address bytes. */
        INET6(6);

        private final int code;

        ClientKind(int code) {
            this.code = code;
        }

        /** The stored value. */
        public int code() {
            return code;
        }

        /** The kind stored as {@code code} (unknown values read as NONE). */
        public static ClientKind fromCode(int code) {
            return switch (code) {
                case 1 -> UNIX;
                case 4 -> INET4;
                case 6 -> INET6;
                default -> NONE;
            };
        }
    }

    /** A fresh copy of the address bytes (null when not TCP). */
    @Override
    public byte[] clientAddress() {
        return clientAddress == null ? null : clientAddress.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendStatus b && b.slot == slot && b.changeCount == changeCount && b.pid == pid
                && b.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return slot * 31 + changeCount;
    }

    @Override
    public String toString() {
        return "BackendStatus[slot=" + slot + ", pid=" + pid + ", type=" + backendType + ", db=" + databaseOid
                + "/" + databaseName + ", role=" + roleOid + "/" + roleName + ", app=" + applicationName
                + ", client=" + clientKind + (clientAddress == null ? "" : java.util.Arrays.toString(clientAddress))
                + ":" + clientPort + ", start=" + backendStart + ", xact=" + transactionStart + ", query_start="
                + queryStart + ", state_change=" + stateChange + ", state=" + state + ", wait=" + waitEventType
                + "/" + waitEventId + ", xid=" + backendXid + "/" + backendXmin + ", query=" + query + "]";
    }
}
