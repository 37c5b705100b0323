package org.pgjava.backend.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Reads v3 frontend messages from a {@link ClientChannel} through one reusable buffer, and parses the
 * current message's body: PostgreSQL's pqcomm.c (pq_getbyte, pq_getmessage) and the read half of
 * pqformat.c (pq_getmsgint, pq_getmsgstring, pq_getmsgend).
 *
 * <p>Framing (byte by byte, every frontend message after the StartupMessage):
 * <pre>
 *   offset 0      1 byte   message type ('Q', 'P', 'B', ...)
 *   offset 1      int32    length of the message counting these 4 bytes but not the type byte (>= 4)
 *   offset 5      length-4 bytes of body
 * </pre>
 * All integers are big-endian (network order). Strings are NUL-terminated in the client encoding.
 *
 * <p>Use: {@link #readType()} (blocks; -1 at a clean end of stream), then {@link #readBody(int)} with the
 * type's length limit, then the {@code get*} methods, then {@link #end()}. The body stays valid until the
 * next {@link #readType()}. Nothing is allocated per message unless a message is larger than the buffer.
 * Before it blocks on the channel, the reader calls the {@code beforeBlocking} hook (the session flushes
 * its output there). Not thread-safe: one per session.
 */
public final class FrontendMessageReader {
    private final ClientChannel channel;
    private final Runnable beforeBlocking;
    private ClientEncoding encoding = ClientEncoding.UTF8;

    private byte[] buf = new byte[8192];
    private int start;      // first unread byte in buf
    private int limit;      // end of valid bytes in buf

    // the current message body: buf[bodyStart, bodyEnd), cursor at pos
    private int bodyStart;
    private int bodyEnd;
    private int pos;

    /**
     * @param channel        the client's byte stream
     * @param beforeBlocking called before each read that may block (typically: flush pending output)
     */
    public FrontendMessageReader(ClientChannel channel, Runnable beforeBlocking) {
        this.channel = channel;
        this.beforeBlocking = beforeBlocking;
    }

    /** Sets the client encoding used by {@link #getString()} (client_encoding changed). */
    public void setEncoding(ClientEncoding encoding) {
        this.encoding = encoding;
    }

    /** The client encoding strings are decoded with. */
    public ClientEncoding encoding() {
        return encoding;
    }

    /** True when bytes of a next message are already buffered (reading its type byte will not block). */
    public boolean hasBufferedInput() {
        return Math.max(start, bodyEnd) < limit;
    }

    /**
     * Reads the next message's type byte, blocking as needed.
     *
     * @return the type (0..255), or -1 when the client closed the connection between messages
     * @throws IOException when the channel fails
     */
    public int readType() throws IOException {
        start = Math.max(start, bodyEnd);
        bodyStart = bodyEnd = pos = start;
        if (start == limit && !fill(1)) return -1;
        return buf[start++] & 0xff;
    }

    /**
     * Reads the current message's length word and body.
     *
     * @param maxLength the largest acceptable length word for this message type
     * @throws MessageLengthException the length word is below 4 or above {@code maxLength} (the stream is
     *                                out of sync: PostgreSQL logs "invalid message length" and ends the session)
     * @throws EOFException           the stream ended inside the message
     */
    public void readBody(int maxLength) throws IOException {
        if (limit - start < 4 && !fill(4)) throw new EOFException("unexpected EOF within message length word");
        int len = ((buf[start] & 0xff) << 24) | ((buf[start + 1] & 0xff) << 16)
                | ((buf[start + 2] & 0xff) << 8) | (buf[start + 3] & 0xff);
        if (len < 4 || len > maxLength) throw new MessageLengthException(len);
        start += 4;
        int bodyLen = len - 4;
        if (limit - start < bodyLen && !fill(bodyLen)) throw new EOFException("incomplete message from client");
        bodyStart = pos = start;
        bodyEnd = start + bodyLen;
        start = bodyEnd;
    }

    /** Ensures at least n unread bytes from {@code start}; false at end of stream before that. */
    private boolean fill(int n) throws IOException {
        if (buf.length - start < n) {
            byte[] dst = buf.length >= n ? buf : new byte[Math.max(buf.length * 2, n + 8192)];
            System.arraycopy(buf, start, dst, 0, limit - start);
            buf = dst;
            limit -= start;
            start = 0;
        }
        while (limit - start < n) {
            beforeBlocking.run();
            int r = channel.read(buf, limit, buf.length - limit);
            if (r < 0) return false;
            limit += r;
        }
        return true;
    }

    /** Bytes of the current body not yet consumed. */
    public int remaining() {
        return bodyEnd - pos;
    }

    /** pq_getmsgbyte. @throws PgException 08P01 "no data left in message" */
    public int getByte() {
        if (pos >= bodyEnd) throw protocol("no data left in message");
        return buf[pos++] & 0xff;
    }

    /** pq_getmsgint(2), signed. @throws PgException 08P01 "insufficient data left in message" */
    public short getInt16() {
        need(2);
        short v = (short) (((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff));
        pos += 2;
        return v;
    }

    /** pq_getmsgint(4). @throws PgException 08P01 "insufficient data left in message" */
    public int getInt32() {
        need(4);
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16)
                | ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    /** pq_copymsgbytes: a copy of the next n bytes. @throws PgException 08P01 "insufficient data left in message" */
    public byte[] getBytes(int n) {
        if (n < 0) throw protocol("insufficient data left in message");
        need(n);
        byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return b;
    }

    /**
     * pq_getmsgstring: a NUL-terminated string, decoded from the client encoding.
     *
     * @throws PgException 08P01 "invalid string in message" when there is no terminator; 22021 for bytes
     *                     invalid in the encoding
     */
    public String getString() {
        int z = pos;
        while (z < bodyEnd && buf[z] != 0) z++;
        if (z >= bodyEnd) throw protocol("invalid string in message");
        String s = encoding.decode(buf, pos, z - pos);
        pos = z + 1;
        return s;
    }

    /** True when the next string of the body is empty (just a NUL), without consuming it. */
    public boolean nextStringIsEmpty() {
        return pos < bodyEnd && buf[pos] == 0;
    }

    /** Decodes n raw body bytes as text in the client encoding (Bind text parameters). */
    public String getText(int n) {
        if (n < 0) throw protocol("insufficient data left in message");
        need(n);
        String s = encoding.decode(buf, pos, n);
        pos += n;
        return s;
    }

    /** pq_getmsgend. @throws PgException 08P01 "invalid message format" when bytes are left over */
    public void end() {
        if (pos != bodyEnd) throw protocol("invalid message format");
    }

    /** Skips the rest of the current body. */
    public void skipRest() {
        pos = bodyEnd;
    }

    private void need(int n) {
        if (bodyEnd - pos < n) throw protocol("insufficient data left in message");
    }

    private static PgException protocol(String msg) {
        return PgException.error(SqlState.PROTOCOL_VIOLATION, msg);
    }

    /** The length word of a message is outside the acceptable range; the stream cannot be resynchronised. */
    public static final class MessageLengthException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int length;

        MessageLengthException(int length) {
            super("invalid message length");
            this.length = length;
        }

        /** The offending length word. */
        public int length() {
            return length;
        }
    }
}
