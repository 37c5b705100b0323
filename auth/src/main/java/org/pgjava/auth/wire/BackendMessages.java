package org.pgjava.auth.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.pgjava.conf.errors.PgException;

/**
 * Encoders for the server-to-client messages of the startup phase (and ErrorResponse/NoticeResponse for
 * every phase). Each method returns one complete message: type byte, Int32 length (counting itself, not
 * the type byte), body. Strings are NUL-terminated, UTF-8 unless a charset is given. All integers are
 * big-endian.
 *
 * <pre>
 * AuthenticationOk                'R' Int32 8         Int32 0
 * AuthenticationCleartextPassword 'R' Int32 8         Int32 3
 * AuthenticationMD5Password       'R' Int32 12        Int32 5   Byte4 salt
 * AuthenticationSASL              'R' Int32 len       Int32 10  (String mechanism)* Byte1 0
 * AuthenticationSASLContinue      'R' Int32 len       Int32 11  Byte[n] server-first-message
 * AuthenticationSASLFinal         'R' Int32 len       Int32 12  Byte[n] server-final-message
 * NegotiateProtocolVersion        'v' Int32 len       Int32 newest version supported (196608 = 3.0)
 *                                                     Int32 count, (String unrecognized "_pq_." option)*
 * ParameterStatus                 'S' Int32 len       String name  String value
 * BackendKeyData                  'K' Int32 12        Int32 pid  Int32 secret key
 * ReadyForQuery                   'Z' Int32 5         Byte1 status: 'I' idle, 'T' in transaction, 'E' failed
 * ErrorResponse / NoticeResponse  'E' / 'N' Int32 len (Byte1 field code, String value)* Byte1 0
 *     fields in PostgreSQL's order, each only when set:
 *     S severity (localized; = V here)   V severity (never localized)   C SQLSTATE   M message
 *     D detail   H hint   P position (decimal, 1-based characters)   p internal position
 *     q internal query   W where (context)   s schema   t table   c column   d data type   n constraint
 *     (F file, L line, R routine are PostgreSQL source locations: pgjava omits them)
 * ErrorResponse for protocol 2 clients: 'E' String "FATAL:  message\n" (no length word)
 * </pre>
 *
 * <p>Stateless; safe from any thread.
 */
public final class BackendMessages {
    private BackendMessages() {
    }

    /** A growing message: type byte, placeholder length, then body; {@link #done()} patches the length. */
    private static final class Msg {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

        Msg(char type) {
            out.write(type);
            int32(0);
        }

        Msg int32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Msg bytes(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        Msg cstring(String s, Charset cs) {
            bytes(s.getBytes(cs));
            out.write(0);
            return this;
        }

        Msg byte1(int b) {
            out.write(b);
            return this;
        }

        byte[] done() {
            byte[] m = out.toByteArray();
            int len = m.length - 1;
            m[1] = (byte) (len >>> 24);
            m[2] = (byte) (len >>> 16);
            m[3] = (byte) (len >>> 8);
            m[4] = (byte) len;
            return m;
        }
    }

    /** AuthenticationOk. */
    public static byte[] authenticationOk() {
        return new Msg('R').int32(0).done();
    }

    /** AuthenticationCleartextPassword: the client answers with a PasswordMessage holding the password. */
    public static byte[] authenticationCleartextPassword() {
        return new Msg('R').int32(3).done();
    }

    /** AuthenticationMD5Password with a 4-byte salt. */
    public static byte[] authenticationMd5Password(byte[] salt) {
        if (salt.length != 4) throw new IllegalArgumentException("salt must be 4 bytes");
        return new Msg('R').int32(5).bytes(salt).done();
    }

    /** AuthenticationSASL listing the mechanisms the server offers. */
    public static byte[] authenticationSasl(List<String> mechanisms) {
        Msg m = new Msg('R').int32(10);
        for (String s : mechanisms) m.cstring(s, StandardCharsets.UTF_8);
        return m.byte1(0).done();
    }

    /** AuthenticationSASLContinue carrying mechanism data (SCRAM's server-first-message). */
    public static byte[] authenticationSaslContinue(byte[] data) {
        return new Msg('R').int32(11).bytes(data).done();
    }

    /** AuthenticationSASLFinal carrying mechanism data (SCRAM's server-final-message "v=..."). */
    public static byte[] authenticationSaslFinal(byte[] data) {
        return new Msg('R').int32(12).bytes(data).done();
    }

    /** NegotiateProtocolVersion: the server speaks 3.0 and did not recognise {@code unrecognizedOptions}. */
    public static byte[] negotiateProtocolVersion(int newestSupported, List<String> unrecognizedOptions) {
        Msg m = new Msg('v').int32(newestSupported).int32(unrecognizedOptions.size());
        for (String s : unrecognizedOptions) m.cstring(s, StandardCharsets.UTF_8);
        return m.done();
    }

    /** ParameterStatus name=value. */
    public static byte[] parameterStatus(String name, String value) {
        return new Msg('S').cstring(name, StandardCharsets.UTF_8).cstring(value, StandardCharsets.UTF_8).done();
    }

    /** BackendKeyData: the pid and secret a CancelRequest must quote. */
    public static byte[] backendKeyData(int pid, int secret) {
        return new Msg('K').int32(pid).int32(secret).done();
    }

    /** ReadyForQuery with transaction status 'I', 'T' or 'E'. */
    public static byte[] readyForQuery(char status) {
        return new Msg('Z').byte1(status).done();
    }

    /** ErrorResponse for {@code e}, strings in UTF-8. */
    public static byte[] errorResponse(PgException e) {
        return fields('E', e, StandardCharsets.UTF_8);
    }

    /** ErrorResponse for {@code e}, strings in the client's charset. */
    public static byte[] errorResponse(PgException e, Charset clientCharset) {
        return fields('E', e, clientCharset);
    }

    /** NoticeResponse for {@code e} (a WARNING/NOTICE/INFO/LOG/DEBUG), strings in UTF-8. */
    public static byte[] noticeResponse(PgException e) {
        return fields('N', e, StandardCharsets.UTF_8);
    }

    /** NoticeResponse for {@code e}, strings in the client's charset. */
    public static byte[] noticeResponse(PgException e, Charset clientCharset) {
        return fields('N', e, clientCharset);
    }

    /** The protocol-2 error format PostgreSQL uses to refuse 2.x clients: 'E' "FATAL:  msg\n" NUL. */
    public static byte[] errorResponseV2(PgException e) {
        byte[] text = (e.severity().name() + ":  " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] m = new byte[text.length + 2];
        m[0] = 'E';
        System.arraycopy(text, 0, m, 1, text.length);
        return m;
    }

    private static byte[] fields(char type, PgException e, Charset cs) {
        Msg m = new Msg(type);
        String sev = e.severity().name();
        field(m, 'S', sev, cs);
        field(m, 'V', sev, cs);
        field(m, 'C', e.sqlState().code(), cs);
        field(m, 'M', e.getMessage() == null ? "" : e.getMessage(), cs);
        field(m, 'D', e.detail(), cs);
        field(m, 'H', e.hint(), cs);
        if (e.position() > 0) field(m, 'P', Integer.toString(e.position()), cs);
        if (e.internalPosition() > 0) field(m, 'p', Integer.toString(e.internalPosition()), cs);
        field(m, 'q', e.internalQuery(), cs);
        field(m, 'W', e.where(), cs);
        field(m, 's', e.schemaName(), cs);
        field(m, 't', e.tableName(), cs);
        field(m, 'c', e.columnName(), cs);
        field(m, 'd', e.dataTypeName(), cs);
        field(m, 'n', e.constraintName(), cs);
        return m.byte1(0).done();
    }

    private static void field(Msg m, char code, String value, Charset cs) {
        if (value == null) return;
        m.byte1(code).cstring(value, cs);
    }
}
