package org.pgjava.backend.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds frontend (client) v3 messages for tests, as a driver would send them. */
final class FrontendMessages {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    byte[] bytes() {
        return out.toByteArray();
    }

    private FrontendMessages message(char type, byte[] body) {
        out.write(type);
        int len = body.length + 4;
        out.write(len >>> 24);
        out.write(len >>> 16);
        out.write(len >>> 8);
        out.write(len);
        out.writeBytes(body);
        return this;
    }

    /** Raw bytes appended as they are (malformed input). */
    FrontendMessages raw(byte... b) {
        out.writeBytes(b);
        return this;
    }

    FrontendMessages raw(char type, byte[] body) {
        return message(type, body);
    }

    static final class Body {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Body cstr(String s) {
            b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            b.write(0);
            return this;
        }

        Body i16(int v) {
            b.write(v >>> 8);
            b.write(v);
            return this;
        }

        Body i32(int v) {
            b.write(v >>> 24);
            b.write(v >>> 16);
            b.write(v >>> 8);
            b.write(v);
            return this;
        }

        Body bytes(byte[] x) {
            b.writeBytes(x);
            return this;
        }

        byte[] done() {
            return b.toByteArray();
        }
    }

    FrontendMessages query(String sql) {
        return message('Q', new Body().cstr(sql).done());
    }

    FrontendMessages parse(String name, String sql, int... types) {
        Body b = new Body().cstr(name).cstr(sql).i16(types.length);
        for (int t : types) b.i32(t);
        return message('P', b.done());
    }

    /** Bind with explicit parameter formats, values (null = SQL NULL) and result formats. */
    FrontendMessages bind(String portal, String stmt, short[] paramFormats, byte[][] params, short[] resultFormats) {
        Body b = new Body().cstr(portal).cstr(stmt).i16(paramFormats.length);
        for (short f : paramFormats) b.i16(f);
        b.i16(params.length);
        for (byte[] p : params) {
            if (p == null) b.i32(-1);
            else b.i32(p.length).bytes(p);
        }
        b.i16(resultFormats.length);
        for (short f : resultFormats) b.i16(f);
        return message('B', b.done());
    }

    /** Bind with text parameters and text results. */
    FrontendMessages bind(String portal, String stmt, String... textParams) {
        byte[][] ps = new byte[textParams.length][];
        for (int i = 0; i < ps.length; i++) {
            ps[i] = textParams[i] == null ? null : textParams[i].getBytes(StandardCharsets.UTF_8);
        }
        return bind(portal, stmt, new short[0], ps, new short[0]);
    }

    FrontendMessages describe(char kind, String name) {
        return message('D', new Body().bytes(new byte[] {(byte) kind}).cstr(name).done());
    }

    FrontendMessages execute(String portal, int maxRows) {
        return message('E', new Body().cstr(portal).i32(maxRows).done());
    }

    FrontendMessages close(char kind, String name) {
        return message('C', new Body().bytes(new byte[] {(byte) kind}).cstr(name).done());
    }

    FrontendMessages sync() {
        return message('S', new byte[0]);
    }

    FrontendMessages flush() {
        return message('H', new byte[0]);
    }

    FrontendMessages terminate() {
        return message('X', new byte[0]);
    }

    FrontendMessages functionCall(int oid) {
        return message('F', new Body().i32(oid).i16(0).i16(0).i16(0).done());
    }

    FrontendMessages copyData(byte[] data) {
        return message('d', data);
    }

    FrontendMessages copyDone() {
        return message('c', new byte[0]);
    }

    FrontendMessages copyFail(String why) {
        return message('f', new Body().cstr(why).done());
    }

    static byte[] int4(int v) {
        return new Body().i32(v).done();
    }
}
