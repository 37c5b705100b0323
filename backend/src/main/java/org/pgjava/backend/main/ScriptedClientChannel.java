package org.pgjava.backend.main;

import org.pgjava.backend.protocol.ClientChannel;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An in-memory {@link ClientChannel} that plays a fixed client script (the frontend messages of a session)
 * and collects what the backend answers. Used to warm a backend up before it announces itself ready, so
 * the first real client does not pay for class loading and interpretation. Entry points:
 * {@link #warmUpScript(int)}, {@link #output()}.
 */
public final class ScriptedClientChannel implements ClientChannel {
    private final byte[] script;
    private int pos;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    public ScriptedClientChannel(byte[] script) {
        this.script = script;
    }

    /**
     * A client session of {@code rounds} times: simple Query "SELECT 1", then Parse/Bind/Describe/Execute/Sync
     * of "SELECT 1" (unnamed and named statement, text and binary results), then Terminate.
     */
    public static byte[] warmUpScript(int rounds) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        for (int i = 0; i < rounds; i++) {
            message(s, 'Q', cstr("SELECT 1"));
            message(s, 'Q', cstr("SELECT 1 + 2, 'x' || 'y', 1.5::numeric * 2, true; SHOW DateStyle"));
            String name = i == 0 ? "w" : "";
            message(s, 'P', concat(cstr(name), cstr("SELECT $1::int4 + 1"), new byte[]{0, 1, 0, 0, 0, 23}));
            // Bind: portal "", statement, 1 param format (text), 1 param "41", 1 result format (binary on odd rounds)
            byte[] param = "41".getBytes(StandardCharsets.UTF_8);
            ByteBuffer bind = ByteBuffer.allocate(64);
            bind.put(cstr("")).put(cstr(name)).putShort((short) 1).putShort((short) 0).putShort((short) 1)
                    .putInt(param.length).put(param).putShort((short) 1).putShort((short) (i % 2));
            message(s, 'B', java.util.Arrays.copyOf(bind.array(), bind.position()));
            message(s, 'D', concat(new byte[]{'P'}, cstr("")));
            message(s, 'E', concat(cstr(""), new byte[]{0, 0, 0, 0}));
            message(s, 'S', new byte[0]);
            if (i == 0) {
                message(s, 'C', concat(new byte[]{'S'}, cstr("w")));
                message(s, 'S', new byte[0]);
            }
        }
        message(s, 'X', new byte[0]);
        return s.toByteArray();
    }

    private static void message(ByteArrayOutputStream s, char type, byte[] body) {
        s.write(type);
        s.writeBytes(ByteBuffer.allocate(4).putInt(4 + body.length).array());
        s.writeBytes(body);
    }

    private static byte[] cstr(String v) {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @Override
    public int read(byte[] buf, int off, int len) {
        if (pos >= script.length) {
            return -1;
        }
        int n = Math.min(len, script.length - pos);
        System.arraycopy(script, pos, buf, off, n);
        pos += n;
        return n;
    }

    @Override
    public void write(byte[] buf, int off, int len) {
        output.write(buf, off, len);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    @Override
    public String remoteAddress() {
        return null;
    }

    @Override
    public int remotePort() {
        return -1;
    }

    /** Everything the backend wrote. */
    public byte[] output() {
        return output.toByteArray();
    }
}
