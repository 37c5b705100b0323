package org.pgjava.shmem.handoff;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What travels with a client's socket from the postmaster to a backend: the authenticated identity, the
 * StartupMessage parameters, the cancel key, how the client is connected and the bytes it already
 * pipelined after its StartupMessage. Entry points: {@link #encode()}, {@link #decode(byte[])}.
 *
 * <p>Body layout (all integers big-endian; a "string" is an int32 byte count followed by that many bytes
 * of UTF-8, count -1 meaning null):
 * <pre>
 * offset  size  field
 *  0       4    protocol version of the StartupMessage (196608 = 3.0)
 *  4       4    role OID
 *  8       4    database OID
 * 12       1    superuser: 1 or 0
 * 13       4    cancel secret (the BackendKeyData secret; the pid is the backend's own)
 * 17       1    connection kind: 'L' Unix-domain socket, 'T' TCP
 * 18       4    client port (-1 for 'L')
 * 22       …    string: client IP address in textual form (null for 'L')
 *  …       …    string: role name
 *  …       …    string: database name
 *  …       4    parameter count P
 *  …       …    P times: string name, string value (StartupMessage order)
 *  …       4    pipelined byte count B
 *  …       B    the pipelined bytes, to be read by the backend before anything from the socket
 * </pre>
 * The body is preceded on the hand-off connection by the message header ('H', int32 length), see
 * {@link HandoffMessages}.
 *
 * @param protocolVersion the StartupMessage protocol version
 * @param user            authenticated role name
 * @param database        database name (exists and accepts connections)
 * @param roleOid         role OID
 * @param databaseOid     database OID
 * @param superuser       whether the role is a superuser
 * @param parameters      StartupMessage name/value pairs in arrival order
 * @param cancelSecret    BackendKeyData secret key
 * @param local           true for a Unix-domain socket client
 * @param clientAddress   client IP (textual) for TCP, null for local
 * @param clientPort      client port for TCP, -1 for local
 * @param pipelined       bytes the client sent after its StartupMessage (often empty, never null)
 */
public record HandoffPayload(int protocolVersion, String user, String database, int roleOid, int databaseOid,
                             boolean superuser, Map<String, String> parameters, int cancelSecret,
                             boolean local, String clientAddress, int clientPort, byte[] pipelined) {

    /** Encodes the body as laid out in the class comment. */
    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + pipelined.length);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(protocolVersion);
            out.writeInt(roleOid);
            out.writeInt(databaseOid);
            out.writeByte(superuser ? 1 : 0);
            out.writeInt(cancelSecret);
            out.writeByte(local ? 'L' : 'T');
            out.writeInt(clientPort);
            writeString(out, clientAddress);
            writeString(out, user);
            writeString(out, database);
            out.writeInt(parameters.size());
            for (Map.Entry<String, String> e : parameters.entrySet()) {
                writeString(out, e.getKey());
                writeString(out, e.getValue());
            }
            out.writeInt(pipelined.length);
            out.write(pipelined);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Decodes a body produced by {@link #encode()}.
     * @throws IllegalArgumentException when the bytes are not a well-formed payload
     */
    public static HandoffPayload decode(byte[] body) {
        try {
            ByteBuffer in = ByteBuffer.wrap(body);
            int version = in.getInt();
            int roleOid = in.getInt();
            int dbOid = in.getInt();
            boolean superuser = in.get() != 0;
            int secret = in.getInt();
            byte kind = in.get();
            if (kind != 'L' && kind != 'T') {
                throw new IllegalArgumentException("bad connection kind " + kind);
            }
            int port = in.getInt();
            String address = readString(in);
            String user = readString(in);
            String database = readString(in);
            int count = in.getInt();
            if (count < 0 || count > body.length) {
                throw new IllegalArgumentException("bad parameter count " + count);
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                params.put(readString(in), readString(in));
            }
            int n = in.getInt();
            if (n < 0 || n != in.remaining()) {
                throw new IllegalArgumentException("bad pipelined byte count " + n);
            }
            byte[] pipelined = new byte[n];
            in.get(pipelined);
            return new HandoffPayload(version, user, database, roleOid, dbOid, superuser, params, secret,
                    kind == 'L', address, port, pipelined);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated hand-off payload", e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(ByteBuffer in) {
        int n = in.getInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > in.remaining()) {
            throw new IllegalArgumentException("bad string length " + n);
        }
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
