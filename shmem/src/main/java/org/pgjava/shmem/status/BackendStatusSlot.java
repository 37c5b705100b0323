package org.pgjava.shmem.status;

import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.procarray.BackendType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Instant;

import static org.pgjava.shmem.status.BackendStatusArray.*;

/**
 * The owner's writer for its own backend status slot (layout in {@link BackendStatusArray}). Every write
 * follows the change-count protocol, so readers in other processes copy consistent versions without locks.
 * Used from one thread of the owning process only; not thread-safe.
 *
 * <p>Entry points: {@link #begin} (at process start or when a standby backend takes its client),
 * {@link #reportActivity} (per statement and at each ReadyForQuery: no allocation),
 * {@link #reportTransactionStart}, {@link #reportWaitEvent(WaitEvent)} / {@link #reportWaitEnd()},
 * {@link #reportTransactionIds}, {@link #end}
 * (at exit: the slot becomes unused). {@link #currentTimestamp()} gives the TimestampTz used throughout.
 */
public final class BackendStatusSlot {
    /** Microseconds between 1970-01-01 and 2000-01-01 (PostgreSQL's epoch). */
    public static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;

    private final MemorySegment slot;
    private final int querySize;
    /** Encoding buffer for texts (process-local, reused: the writer allocates nothing per report). */
    private final byte[] scratch;
    /** The owner's copy of the change counter (only the owner writes it). */
    private int changeCount;

    BackendStatusSlot(MemorySegment slot, int querySize) {
        this.slot = slot;
        this.querySize = querySize;
        this.scratch = new byte[Math.max(querySize, NAME_BYTES)];
        this.changeCount = SharedAtomics.getInt(slot, CHANGE_COUNT);
    }

    /** Now as a TimestampTz: microseconds since 2000-01-01 00:00:00 UTC. */
    public static long currentTimestamp() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000 - POSTGRES_EPOCH_MICROS;
    }

    private void beginWrite() {
        if ((changeCount & 1) != 0) throw new IllegalStateException("nested status slot write");
        SharedAtomics.setIntPlain(slot, CHANGE_COUNT, ++changeCount);
        VarHandle.storeStoreFence();
    }

    private void endWrite() {
        SharedAtomics.setIntRelease(slot, CHANGE_COUNT, ++changeCount);
    }

    /**
     * Fills the slot for a process and makes it visible (pgstat_bestart). State and query are cleared,
     * the wait event reset.
     *
     * @param pid             the process id (positive)
     * @param type            the process kind
     * @param databaseOid     0 for none
     * @param databaseName    null for none
     * @param roleOid         0 for none
     * @param roleName        null for none
     * @param applicationName null or "" for none
     * @param clientKind      how the client is connected
     * @param clientAddress   4 bytes (INET4) or 16 bytes (INET6); ignored otherwise
     * @param clientPort      the TCP port; forced to -1 for UNIX and 0 for NONE
     * @param backendStart    TimestampTz of the process start (or of taking the client)
     * @throws IllegalArgumentException for a non-positive pid or an address of the wrong length
     */
    public void begin(int pid, BackendType type, int databaseOid, String databaseName, int roleOid,
                      String roleName, String applicationName, BackendStatus.ClientKind clientKind,
                      byte[] clientAddress, int clientPort, long backendStart) {
        if (pid <= 0) throw new IllegalArgumentException("pid must be positive: " + pid);
        int addressLength = clientKind == BackendStatus.ClientKind.INET4 ? 4
                : clientKind == BackendStatus.ClientKind.INET6 ? 16 : 0;
        if (addressLength > 0 && (clientAddress == null || clientAddress.length != addressLength)) {
            throw new IllegalArgumentException(clientKind + " needs a " + addressLength + "-byte address");
        }
        beginWrite();
        slot.set(ValueLayout.JAVA_INT, PID, pid);
        slot.set(ValueLayout.JAVA_INT, TYPE, type.code());
        slot.set(ValueLayout.JAVA_INT, DATID, databaseOid);
        slot.set(ValueLayout.JAVA_INT, USESYSID, roleOid);
        slot.set(ValueLayout.JAVA_INT, STATE, 0);
        slot.set(ValueLayout.JAVA_LONG, BACKEND_START, backendStart);
        slot.set(ValueLayout.JAVA_LONG, XACT_START, 0);
        slot.set(ValueLayout.JAVA_LONG, QUERY_START, 0);
        slot.set(ValueLayout.JAVA_LONG, STATE_CHANGE, 0);
        slot.set(ValueLayout.JAVA_LONG, XID, 0);
        slot.set(ValueLayout.JAVA_LONG, XMIN, 0);
        slot.set(ValueLayout.JAVA_INT, CLIENT_KIND, clientKind.code());
        slot.set(ValueLayout.JAVA_INT, CLIENT_PORT, switch (clientKind) {
            case NONE -> 0;
            case UNIX -> -1;
            default -> clientPort;
        });
        slot.asSlice(CLIENT_ADDRESS, 16).fill((byte) 0);
        if (addressLength > 0) {
            MemorySegment.copy(clientAddress, 0, slot, ValueLayout.JAVA_BYTE, CLIENT_ADDRESS, addressLength);
        }
        slot.set(ValueLayout.JAVA_INT, DATNAME_LENGTH, writeUtf8(databaseName, DATNAME, NAME_BYTES - 1));
        slot.set(ValueLayout.JAVA_INT, USENAME_LENGTH, writeUtf8(roleName, USENAME, NAME_BYTES - 1));
        slot.set(ValueLayout.JAVA_INT, APPNAME_LENGTH, writeUtf8(applicationName, APPNAME, NAME_BYTES - 1));
        slot.set(ValueLayout.JAVA_INT, QUERY_LENGTH, 0);
        endWrite();
        SharedAtomics.setLong(slot, WAIT_EVENT, 0);
    }

    /**
     * pgstat_report_activity: sets the state and state_change = now; with a query text also the text and
     * query_start = now. A null query keeps the last text (an idle backend shows its last statement).
     * Allocates nothing (beyond what {@link Instant#now()} may after escape analysis fails).
     *
     * @param state the new state
     * @param query the statement's source text, or null to keep the current one
     * @return the timestamp written (now)
     */
    public long reportActivity(BackendState state, String query) {
        long now = currentTimestamp();
        beginWrite();
        slot.set(ValueLayout.JAVA_INT, STATE, state.code());
        slot.set(ValueLayout.JAVA_LONG, STATE_CHANGE, now);
        if (query != null) {
            slot.set(ValueLayout.JAVA_LONG, QUERY_START, now);
            slot.set(ValueLayout.JAVA_INT, QUERY_LENGTH, writeUtf8(query, QUERY, querySize - 1));
        }
        endWrite();
        return now;
    }

    /** pgstat_report_appname: application_name changed (SET, or the startup parameter). */
    public void reportApplicationName(String applicationName) {
        beginWrite();
        slot.set(ValueLayout.JAVA_INT, APPNAME_LENGTH, writeUtf8(applicationName, APPNAME, NAME_BYTES - 1));
        endWrite();
    }

    /** pgstat_report_xact_timestamp: the current transaction's start, 0 when none is open. */
    public void reportTransactionStart(long timestamp) {
        beginWrite();
        slot.set(ValueLayout.JAVA_LONG, XACT_START, timestamp);
        endWrite();
    }

    /** The top transaction id and xmin horizon shown as backend_xid / backend_xmin (0 = none). */
    public void reportTransactionIds(long xid, long xmin) {
        beginWrite();
        slot.set(ValueLayout.JAVA_LONG, XID, xid);
        slot.set(ValueLayout.JAVA_LONG, XMIN, xmin);
        endWrite();
    }

    /** Enters ({@code type != 0}) or leaves ({@code 0, 0}) a wait: one volatile store, no counter. */
    public void reportWaitEvent(int type, int id) {
        SharedAtomics.setLong(slot, WAIT_EVENT, ((long) type << 32) | (id & 0xFFFF_FFFFL));
    }

    /** pgstat_report_wait_start: the process now waits for {@code event}. One volatile store. */
    public void reportWaitEvent(WaitEvent event) {
        reportWaitEvent(event.typeCode(), event.id());
    }

    /** pgstat_report_wait_end: the wait is over. One volatile store. */
    public void reportWaitEnd() {
        reportWaitEvent(0, 0);
    }

    /** pgstat_beshutdown_hook: the slot becomes unused (pid 0). */
    public void end() {
        beginWrite();
        slot.set(ValueLayout.JAVA_INT, PID, 0);
        slot.set(ValueLayout.JAVA_INT, STATE, 0);
        slot.set(ValueLayout.JAVA_INT, QUERY_LENGTH, 0);
        endWrite();
        SharedAtomics.setLong(slot, WAIT_EVENT, 0);
    }

    /**
     * Encodes {@code text} as UTF-8 at {@code offset}, stopping before the first character that would
     * exceed {@code maxBytes} (never splitting a character; an unpaired surrogate becomes '?', as
     * String.getBytes does). Encodes into the slot writer's scratch array, then copies once into the slot:
     * no allocation.
     *
     * @return the number of bytes written
     */
    private int writeUtf8(String text, long offset, int maxBytes) {
        if (text == null) return 0;
        byte[] b = scratch;
        int n = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                if (n + 1 > maxBytes) break;
                b[n++] = (byte) c;
            } else if (c < 0x800) {
                if (n + 2 > maxBytes) break;
                b[n++] = (byte) (0xC0 | (c >> 6));
                b[n++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (n + 4 > maxBytes) break;
                int cp = Character.toCodePoint(c, text.charAt(++i));
                b[n++] = (byte) (0xF0 | (cp >> 18));
                b[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[n++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (n + 1 > maxBytes) break;
                b[n++] = (byte) '?';
            } else {
                if (n + 3 > maxBytes) break;
                b[n++] = (byte) (0xE0 | (c >> 12));
                b[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        MemorySegment.copy(b, 0, slot, ValueLayout.JAVA_BYTE, offset, n);
        return n;
    }
}
