package org.pgjava.backend.protocol;

import java.io.IOException;
import java.util.List;

import org.pgjava.backend.executor.ResultColumn;
import org.pgjava.conf.errors.PgException;
import org.pgjava.auth.wire.BackendMessages;

/**
 * Builds v3 backend messages into one reusable output buffer and writes it to the {@link ClientChannel}:
 * the send half of PostgreSQL's pqformat.c (pq_beginmessage, pq_sendint, pq_sendstring, pq_endmessage)
 * and pqcomm.c's output buffering (pq_putmessage, pq_flush).
 *
 * <p>Every message is {@code type byte, int32 length (counting itself, not the type), body}; integers are
 * big-endian; strings are NUL-terminated in the client encoding. The layouts this class writes:
 * <pre>
 *  'R' AuthenticationOk      int32 0
 *  'S' ParameterStatus       string name, string value
 *  'K' BackendKeyData        int32 process id, int32 secret key
 *  'Z' ReadyForQuery         byte status: 'I' idle, 'T' in a transaction block, 'E' in a failed block
 *  'T' RowDescription        int16 n; n x (string name, int32 table oid, int16 column number,
 *                            int32 type oid, int16 typlen, int32 typmod, int16 format 0 text / 1 binary)
 *  'D' DataRow               int16 n; n x (int32 length or -1 for NULL, length bytes)
 *  'C' CommandComplete       string tag ("SELECT 1", "SET", ...)
 *  'I' EmptyQueryResponse    (empty)
 *  '1' ParseComplete, '2' BindComplete, '3' CloseComplete, 'n' NoData, 's' PortalSuspended   (empty)
 *  't' ParameterDescription  int16 n; n x int32 type oid
 *  'E' ErrorResponse / 'N' NoticeResponse   n x (byte field code, string value), then byte 0
 * </pre>
 * Output accumulates until {@link #flush()}, or until the buffer passes {@link #FLUSH_THRESHOLD} between
 * messages (large results stream). Not thread-safe: one per session.
 */
public final class BackendMessageWriter {
    /** Buffered bytes above which a completed message is written out without waiting for a flush. */
    public static final int FLUSH_THRESHOLD = 64 * 1024;

    private final ClientChannel channel;
    private ClientEncoding encoding = ClientEncoding.UTF8;
    private byte[] buf = new byte[16 * 1024];
    private int len;
    private int msgStart = -1;

    public BackendMessageWriter(ClientChannel channel) {
        this.channel = channel;
    }

    /** Sets the encoding strings are converted to (client_encoding changed). */
    public void setEncoding(ClientEncoding encoding) {
        this.encoding = encoding;
    }

    /** The encoding strings are converted to. */
    public ClientEncoding encoding() {
        return encoding;
    }

    // ---------------------------------------------------------------- message framing

    /** pq_beginmessage: starts a message of the given type. Precondition: no message is open. */
    public void begin(char type) {
        ensure(5);
        msgStart = len;
        buf[len++] = (byte) type;
        len += 4;
    }

    /**
     * pq_endmessage: patches the length word of the open message. Afterwards the buffer may be written out
     * when it is large.
     *
     * @throws IOException when writing out a large buffer fails
     */
    public void end() throws IOException {
        int l = len - msgStart - 1;
        buf[msgStart + 1] = (byte) (l >>> 24);
        buf[msgStart + 2] = (byte) (l >>> 16);
        buf[msgStart + 3] = (byte) (l >>> 8);
        buf[msgStart + 4] = (byte) l;
        msgStart = -1;
        if (len >= FLUSH_THRESHOLD) writeOut();
    }

    /** Drops a message begun but not ended (its contents failed to convert). */
    public void abandon() {
        if (msgStart >= 0) {
            len = msgStart;
            msgStart = -1;
        }
    }

    public void int8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
    }

    public void int16(int v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    public void int32(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    public void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    /**
     * pq_sendstring: the string in the client encoding, then NUL.
     *
     * @throws PgException 22P05 when the client encoding cannot represent a character
     */
    public void string(String s) {
        text(s);
        int8(0);
    }

    /** The string in the client encoding, without terminator. ASCII is copied without conversion. */
    public void text(String s) {
        int n = s.length();
        ensure(n);
        int p = len;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                bytes(encoding.encode(s));
                return;
            }
            buf[p++] = (byte) c;
        }
        len = p;
    }

    /** pq_sendcountedtext: int32 byte length, then the string in the client encoding. */
    public void countedText(String s) {
        int lenPos = len;
        int32(0);
        int before = len;
        text(s);
        int l = len - before;
        buf[lenPos] = (byte) (l >>> 24);
        buf[lenPos + 1] = (byte) (l >>> 16);
        buf[lenPos + 2] = (byte) (l >>> 8);
        buf[lenPos + 3] = (byte) l;
    }

    // ---------------------------------------------------------------- whole messages

    public void authenticationOk() throws IOException {
        begin('R');
        int32(0);
        end();
    }

    public void parameterStatus(String name, String value) throws IOException {
        begin('S');
        string(name);
        string(value);
        end();
    }

    public void backendKeyData(int pid, int secret) throws IOException {
        begin('K');
        int32(pid);
        int32(secret);
        end();
    }

    public void readyForQuery(char status) throws IOException {
        begin('Z');
        int8(status);
        end();
    }

    /** A message with an empty body ('1', '2', '3', 'n', 's', 'I'). */
    public void empty(char type) throws IOException {
        begin(type);
        end();
    }

    public void commandComplete(String tag) throws IOException {
        begin('C');
        string(tag);
        end();
    }

    public void parameterDescription(int[] types) throws IOException {
        begin('t');
        int16(types.length);
        for (int t : types) int32(t);
        end();
    }

    /**
     * RowDescription.
     *
     * @param formats per-column format codes (already expanded to one per column), or null for all text
     */
    public void rowDescription(List<ResultColumn> columns, short[] formats) throws IOException {
        begin('T');
        int16(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            ResultColumn c = columns.get(i);
            string(c.name());
            int32(c.tableOid());
            int16(c.columnNumber());
            int32(c.typeOid());
            int16(c.typeLen());
            int32(c.typeMod());
            int16(formats == null ? 0 : formats[i]);
        }
        end();
    }

    /**
     * ErrorResponse ('E') or NoticeResponse ('N', for severities below ERROR) with every field the
     * exception carries (S, V, C, M, D, H, P, p, q, W, s, t, c, d, n), encoded by auth's
     * {@link BackendMessages} in the client encoding.
     */
    public void errorOrNotice(PgException e) throws IOException {
        byte[] m = e.severity().isError() ? BackendMessages.errorResponse(e, encoding.charset())
                : BackendMessages.noticeResponse(e, encoding.charset());
        if (msgStart >= 0) throw new IllegalStateException("a message is open");
        bytes(m);
        if (len >= FLUSH_THRESHOLD) writeOut();
    }

    // ---------------------------------------------------------------- output

    /** Bytes buffered and not yet written. */
    public int pending() {
        return len;
    }

    /** pq_flush: writes everything buffered and flushes the channel. No-op when nothing is buffered. */
    public void flush() throws IOException {
        if (len == 0) return;
        writeOut();
        channel.flush();
    }

    /** Discards buffered output (the connection is being abandoned). */
    public void discard() {
        len = 0;
        msgStart = -1;
    }

    private void writeOut() throws IOException {
        int n = msgStart >= 0 ? msgStart : len;
        if (n == 0) return;
        channel.write(buf, 0, n);
        System.arraycopy(buf, n, buf, 0, len - n);
        len -= n;
        if (msgStart >= 0) msgStart = 0;
        if (buf.length > 1 << 20 && len < 16 * 1024) buf = java.util.Arrays.copyOf(buf, 16 * 1024);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n + 1024));
        }
    }
}
