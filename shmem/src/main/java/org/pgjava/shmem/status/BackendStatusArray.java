package org.pgjava.shmem.status;

import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.procarray.BackendType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The backend status array (PostgreSQL's PgBackendStatus array, backend_status.c): one slot per process,
 * written only by the process that owns it and read by anyone without locks, for pg_stat_activity.
 *
 * <p>Entry points: {@link #regionSize(int, int)} for the layout, {@link #slot(int)} (the owner's writer,
 * {@link BackendStatusSlot}), {@link #snapshot()} (every used slot, each a consistent copy).
 *
 * <p><b>The change-count protocol</b> (PostgreSQL's st_changecount): the owner increments the slot's change
 * counter before a write (it becomes odd), writes the fields with plain stores, and increments it again
 * (even). A store-store fence after the first increment and a release before the second order the
 * stores. A reader reads the counter with acquire; if it is odd it retries, otherwise it copies the fields,
 * issues a load-load fence and re-reads the counter: if it changed, the copy may be torn and it retries.
 * A reader never blocks the writer; the writer never waits.
 * Exception: the wait event (offset 56) is one 8-byte word written with a volatile store outside the
 * protocol, as PostgreSQL writes wait_event_info without the change counter, so entering and leaving a wait
 * costs one store.
 *
 * <p>Slot layout (native byte order; the slot size is {@link #slotSize(int)}: 320 + track_activity_query_size
 * rounded up to 64):
 * <pre>
 * offset size field                                        written by / guarded by
 *   0     4   change counter (odd = write in progress)     owner only
 *   4     4   pid, 0 = slot unused                         owner, under the counter
 *   8     4   backend type (BackendType.code)              owner, under the counter
 *  12     4   datid (0 none)                               owner, under the counter
 *  16     4   usesysid (0 none)                            owner, under the counter
 *  20     4   state (BackendState.code, 0 = not set)       owner, under the counter
 *  24     8   backend_start  (TimestampTz, us since 2000)  owner, under the counter
 *  32     8   xact_start     (0 = none)                    owner, under the counter
 *  40     8   query_start    (0 = none)                    owner, under the counter
 *  48     8   state_change   (0 = none)                    owner, under the counter
 *  56     8   wait event: type (bits 32-63) | id (0-31)    owner, one volatile store, NOT under the counter
 *  64     8   backend_xid  (0 = none)                      owner, under the counter
 *  72     8   backend_xmin (0 = none)                      owner, under the counter
 *  80     4   client kind (ClientKind.code: 0 none, 1 Unix socket, 4 IPv4, 6 IPv6)   under the counter
 *  84     4   client_port (-1 for a Unix socket)           owner, under the counter
 *  88    16   client address (4 or 16 bytes used)          owner, under the counter
 * 104     4   datname length in bytes (0..63)              owner, under the counter
 * 108     4   usename length (0..63)                       owner, under the counter
 * 112     4   application_name length (0..63)              owner, under the counter
 * 116     4   query length (0..track_activity_query_size-1)   owner, under the counter
 * 120     8   reserved, zero                               -
 * 128    64   datname, UTF-8                               owner, under the counter
 * 192    64   usename, UTF-8                               owner, under the counter
 * 256    64   application_name, UTF-8                      owner, under the counter
 * 320     Q   query text, UTF-8 (Q = track_activity_query_size)   owner, under the counter
 * </pre>
 * Strings are cut at a character boundary to at most 63 bytes (names, NAMEDATALEN - 1) and Q - 1 bytes
 * (the query), as PostgreSQL's pg_mbcliplen does.
 */
public final class BackendStatusArray {
    static final long CHANGE_COUNT = 0, PID = 4, TYPE = 8, DATID = 12, USESYSID = 16, STATE = 20,
            BACKEND_START = 24, XACT_START = 32, QUERY_START = 40, STATE_CHANGE = 48, WAIT_EVENT = 56,
            XID = 64, XMIN = 72, CLIENT_KIND = 80, CLIENT_PORT = 84, CLIENT_ADDRESS = 88, DATNAME_LENGTH = 104,
            USENAME_LENGTH = 108, APPNAME_LENGTH = 112, QUERY_LENGTH = 116, DATNAME = 128, USENAME = 192,
            APPNAME = 256, QUERY = 320;
    /** Bytes reserved for each name (NAMEDATALEN); at most 63 are used. */
    public static final int NAME_BYTES = 64;
    /** PostgreSQL's track_activity_query_size limits: 100 .. 1048576 bytes (default 1024). */
    public static final int MIN_QUERY_SIZE = 100, MAX_QUERY_SIZE = 1_048_576;

    private final MemorySegment region;
    private final int querySize;
    private final long slotSize;
    private final int slots;

    /**
     * A view of the array in this process.
     *
     * @param region                 the region, {@link #regionSize(int, int)} bytes
     * @param trackActivityQuerySize the same track_activity_query_size the layout was built with
     * @throws IllegalArgumentException if the region is not a whole number of slots of that size
     */
    public BackendStatusArray(MemorySegment region, int trackActivityQuerySize) {
        this.slotSize = slotSize(trackActivityQuerySize);
        if (region.byteSize() <= 0 || region.byteSize() % slotSize != 0) {
            throw new IllegalArgumentException("backend status region size " + region.byteSize()
                    + " is not a positive multiple of the slot size " + slotSize);
        }
        this.region = region;
        this.querySize = trackActivityQuerySize;
        this.slots = (int) (region.byteSize() / slotSize);
    }

    /** Bytes per slot for a track_activity_query_size: 320 + size, rounded up to 64. */
    public static long slotSize(int trackActivityQuerySize) {
        if (trackActivityQuerySize < MIN_QUERY_SIZE || trackActivityQuerySize > MAX_QUERY_SIZE) {
            throw new IllegalArgumentException("track_activity_query_size " + trackActivityQuerySize
                    + " is outside " + MIN_QUERY_SIZE + ".." + MAX_QUERY_SIZE);
        }
        return (QUERY + trackActivityQuerySize + 63) & ~63L;
    }

    /** The region size for {@code slots} slots (for {@code RegionLayout.Builder.add}). */
    public static long regionSize(int slots, int trackActivityQuerySize) {
        if (slots <= 0) throw new IllegalArgumentException("slot count must be positive: " + slots);
        return slots * slotSize(trackActivityQuerySize);
    }

    /** The number of slots. */
    public int slotCount() {
        return slots;
    }

    /** track_activity_query_size: the query text keeps at most this minus one bytes. */
    public int querySize() {
        return querySize;
    }

    /**
     * The writer for slot {@code index}; only the process owning that slot (the same index as its
     * process-array slot) may use it, from one thread.
     */
    public BackendStatusSlot slot(int index) {
        if (index < 0 || index >= slots) throw new IndexOutOfBoundsException("slot " + index + " of " + slots);
        return new BackendStatusSlot(region.asSlice(index * slotSize, slotSize), querySize);
    }

    /**
     * A consistent copy of every used slot, in slot order. Each slot is copied without locks (retrying
     * while its owner writes); different slots are copied at slightly different moments, as in PostgreSQL.
     */
    public List<BackendStatus> snapshot() {
        List<BackendStatus> result = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            BackendStatus s = read(i);
            if (s != null) result.add(s);
        }
        return result;
    }

    /**
     * A consistent copy of slot {@code index}.
     *
     * @return the copy, or null when the slot is unused
     */
    public BackendStatus read(int index) {
        if (index < 0 || index >= slots) throw new IndexOutOfBoundsException("slot " + index + " of " + slots);
        long b = index * slotSize;
        byte[] scratch = null;
        for (int attempt = 0; ; attempt++) {
            int before = SharedAtomics.getIntAcquire(region, b + CHANGE_COUNT);
            if ((before & 1) != 0) {
                pause(attempt);
                continue;
            }
            int pid = region.get(ValueLayout.JAVA_INT, b + PID);
            if (pid == 0) {
                VarHandle.loadLoadFence();
                if (SharedAtomics.getInt(region, b + CHANGE_COUNT) == before) return null;
                continue;
            }
            int type = region.get(ValueLayout.JAVA_INT, b + TYPE);
            int datid = region.get(ValueLayout.JAVA_INT, b + DATID);
            int usesysid = region.get(ValueLayout.JAVA_INT, b + USESYSID);
            int state = region.get(ValueLayout.JAVA_INT, b + STATE);
            long backendStart = region.get(ValueLayout.JAVA_LONG, b + BACKEND_START);
            long xactStart = region.get(ValueLayout.JAVA_LONG, b + XACT_START);
            long queryStart = region.get(ValueLayout.JAVA_LONG, b + QUERY_START);
            long stateChange = region.get(ValueLayout.JAVA_LONG, b + STATE_CHANGE);
            long xid = region.get(ValueLayout.JAVA_LONG, b + XID);
            long xmin = region.get(ValueLayout.JAVA_LONG, b + XMIN);
            int kind = region.get(ValueLayout.JAVA_INT, b + CLIENT_KIND);
            int port = region.get(ValueLayout.JAVA_INT, b + CLIENT_PORT);
            int datLen = clamp(region.get(ValueLayout.JAVA_INT, b + DATNAME_LENGTH), NAME_BYTES - 1);
            int useLen = clamp(region.get(ValueLayout.JAVA_INT, b + USENAME_LENGTH), NAME_BYTES - 1);
            int appLen = clamp(region.get(ValueLayout.JAVA_INT, b + APPNAME_LENGTH), NAME_BYTES - 1);
            int queryLen = clamp(region.get(ValueLayout.JAVA_INT, b + QUERY_LENGTH), querySize - 1);
            int total = 16 + datLen + useLen + appLen + queryLen;
            if (scratch == null || scratch.length < total) scratch = new byte[Math.max(total, 256)];
            MemorySegment.copy(region, ValueLayout.JAVA_BYTE, b + CLIENT_ADDRESS, scratch, 0, 16);
            MemorySegment.copy(region, ValueLayout.JAVA_BYTE, b + DATNAME, scratch, 16, datLen);
            MemorySegment.copy(region, ValueLayout.JAVA_BYTE, b + USENAME, scratch, 16 + datLen, useLen);
            MemorySegment.copy(region, ValueLayout.JAVA_BYTE, b + APPNAME, scratch, 16 + datLen + useLen, appLen);
            MemorySegment.copy(region, ValueLayout.JAVA_BYTE, b + QUERY, scratch, 16 + datLen + useLen + appLen,
                    queryLen);
            VarHandle.loadLoadFence();
            if (SharedAtomics.getInt(region, b + CHANGE_COUNT) != before) {
                pause(attempt);
                continue;
            }
            long wait = SharedAtomics.getLong(region, b + WAIT_EVENT);
            BackendStatus.ClientKind clientKind = BackendStatus.ClientKind.fromCode(kind);
            byte[] address = switch (clientKind) {
                case INET4 -> java.util.Arrays.copyOfRange(scratch, 0, 4);
                case INET6 -> java.util.Arrays.copyOfRange(scratch, 0, 16);
                default -> null;
            };
            int at = 16;
            String datname = datid == 0 && datLen == 0 ? null : text(scratch, at, datLen);
            at += datLen;
            String usename = usesysid == 0 && useLen == 0 ? null : text(scratch, at, useLen);
            at += useLen;
            String appname = text(scratch, at, appLen);
            at += appLen;
            String query = text(scratch, at, queryLen);
            return new BackendStatus(index, pid, BackendType.fromCode(type), datid, datname, usesysid, usename,
                    appname, clientKind, address, port, backendStart, xactStart, queryStart, stateChange,
                    BackendState.fromCode(state), (int) (wait >>> 32), (int) wait, xid, xmin, query, before);
        }
    }

    /**
     * The query text of the slot that process {@code pid} owned, for the postmaster's log line after that
     * process crashed (PostgreSQL's pgstat_get_crashed_backend_activity): read WITHOUT the change-counter
     * protocol, because the dead owner may have stopped in the middle of a write (its counter odd forever).
     * The text may therefore be torn; lengths are clamped to the slot and every byte that is not printable
     * ASCII becomes '?', so the result is always safe to log. Never blocks.
     *
     * @return the text, or null when no slot holds {@code pid} or its query is empty
     */
    public String crashedActivity(int pid) {
        for (int i = 0; i < slots; i++) {
            long b = i * slotSize;
            if (region.get(ValueLayout.JAVA_INT, b + PID) != pid) continue;
            int len = clamp(region.get(ValueLayout.JAVA_INT, b + QUERY_LENGTH), querySize - 1);
            if (len == 0) return null;
            byte[] bytes = new byte[len];
            MemorySegment.copy(region, ValueLayout.JAVA_BYTE, b + QUERY, bytes, 0, len);
            StringBuilder text = new StringBuilder(len);
            for (byte c : bytes) {
                text.append(c >= 32 && c < 127 ? (char) c : '?');
            }
            return text.toString();
        }
        return null;
    }

    private static int clamp(int length, int max) {
        return length < 0 ? 0 : Math.min(length, max);
    }

    private static String text(byte[] bytes, int offset, int length) {
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }

    private static void pause(int attempt) {
        if (attempt < 100) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }
}
