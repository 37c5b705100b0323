package org.pgjava.shmem.handoff;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The messages of the hand-off connection, a persistent AF_UNIX stream connection from each backend to
 * the postmaster's private hand-off socket. Every message is framed like a PostgreSQL protocol message:
 * <pre>
 * 0  1  type byte
 * 1  4  int32 length of length field + body (big-endian), so 4 for an empty body
 * 5  …  body
 * </pre>
 * Backend → postmaster:
 * <ul>
 * <li>{@code 'R'} ready: int32 pid, int32 token byte count T, T bytes token (UTF-8). Sent once, after
 *     warm-up; the token is the random string the postmaster put in the backend's environment, so the
 *     postmaster can tell its own child from anything else that connects.</li>
 * <li>{@code 'D'} done with a client: byte 1 = reusable (session state fully reset, waiting for the next
 *     client), 0 = exiting.</li>
 * </ul>
 * Postmaster → backend:
 * <ul>
 * <li>{@code 'H'} hand-off: body = {@link HandoffPayload}; the client socket rides along as SCM_RIGHTS
 *     on this message's first byte (one sendmsg).</li>
 * <li>{@code 'Q'} quit: empty body; the idle backend exits.</li>
 * </ul>
 * End of stream on the connection tells the postmaster the backend is gone, and the backend that the
 * postmaster is gone.
 */
public final class HandoffMessages {
    public static final byte READY = 'R';
    public static final byte DONE = 'D';
    public static final byte HANDOFF = 'H';
    public static final byte QUIT = 'Q';
    /** Upper bound for any message length, to reject garbage before allocating. */
    public static final int MAX_LENGTH = 16 * 1024 * 1024;

    private HandoffMessages() {
    }

    /** Frames a message: type, int32 (4 + body length), body. */
    public static byte[] frame(byte type, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(5 + body.length);
        b.put(type).putInt(4 + body.length).put(body);
        return b.array();
    }

    /** The body of a READY message. */
    public static byte[] readyBody(int pid, String token) {
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + t.length).putInt(pid).putInt(t.length).put(t).array();
    }

    /** A decoded READY body. */
    public record Ready(int pid, String token) {
        /**
         * Decodes a READY body.
         * @throws IllegalArgumentException when malformed
         */
        public static Ready decode(byte[] body) {
            ByteBuffer b = ByteBuffer.wrap(body);
            if (body.length < 8) {
                throw new IllegalArgumentException("short ready message");
            }
            int pid = b.getInt();
            int n = b.getInt();
            if (n < 0 || n != b.remaining()) {
                throw new IllegalArgumentException("bad token length");
            }
            byte[] t = new byte[n];
            b.get(t);
            return new Ready(pid, new String(t, StandardCharsets.UTF_8));
        }
    }
}
