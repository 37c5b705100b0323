package org.pgjava.backend.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.pgjava.conf.errors.PgException;

class FrontendMessageReaderTest {
    /** Hands out the input in random 1..3 byte fragments and counts the blocking-read hook calls. */
    private static final class Trickle implements ClientChannel {
        final byte[] in;
        final Random rnd = new Random(7);
        int pos;

        Trickle(byte[] in) {
            this.in = in;
        }

        @Override
        public int read(byte[] buf, int off, int len) {
            if (pos >= in.length) return -1;
            int n = Math.min(Math.min(len, 1 + rnd.nextInt(3)), in.length - pos);
            System.arraycopy(in, pos, buf, off, n);
            pos += n;
            return n;
        }

        @Override public void write(byte[] buf, int off, int len) { }
        @Override public void flush() { }
        @Override public void close() { }
        @Override public String remoteAddress() { return null; }
        @Override public int remotePort() { return -1; }
    }

    private static byte[] message(char type, byte[] body) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(type);
        int l = body.length + 4;
        o.write(l >>> 24);
        o.write(l >>> 16);
        o.write(l >>> 8);
        o.write(l);
        o.writeBytes(body);
        return o.toByteArray();
    }

    @Test
    void readsFragmentedMessagesIncludingOneLargerThanTheBuffer() throws IOException {
        String big = "x".repeat(50_000);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(message('Q', "SELECT 1\0".getBytes()));
        all.writeBytes(message('Q', (big + "\0").getBytes()));
        all.writeBytes(message('E', new byte[] {0, 0, 0, 0, 5}));
        int[] hooks = {0};
        FrontendMessageReader r = new FrontendMessageReader(new Trickle(all.toByteArray()), () -> hooks[0]++);
        assertEquals('Q', r.readType());
        r.readBody(100_000);
        assertEquals("SELECT 1", r.getString());
        r.end();
        assertEquals('Q', r.readType());
        r.readBody(100_000);
        assertEquals(big, r.getString());
        assertEquals('E', r.readType());
        r.readBody(10_000);
        assertEquals("", r.getString());
        assertEquals(5, r.getInt32());
        r.end();
        assertEquals(-1, r.readType());
        assertTrue(hooks[0] > 10, "the hook runs before every blocking read");
    }

    @Test
    void lengthOutsideLimitsAndCutMessages() throws IOException {
        FrontendMessageReader r = new FrontendMessageReader(new Trickle(new byte[] {'S', 0, 0, 0, 3}), () -> { });
        r.readType();
        assertEquals(3, assertThrows(FrontendMessageReader.MessageLengthException.class, () -> r.readBody(10))
                .length());
        FrontendMessageReader r2 = new FrontendMessageReader(new Trickle(new byte[] {'Q', 0, 0, 0, 9, 'a'}), () -> { });
        r2.readType();
        assertThrows(EOFException.class, () -> r2.readBody(100));
        FrontendMessageReader r3 = new FrontendMessageReader(new Trickle(new byte[] {'Q', 0, 0}), () -> { });
        r3.readType();
        assertThrows(EOFException.class, () -> r3.readBody(100));
    }

    @Test
    void bodyParsingErrorsArePostgreSQLs() throws IOException {
        FrontendMessageReader r = new FrontendMessageReader(new Trickle(message('P', new byte[] {'a', 'b', 0, 1})), () -> { });
        r.readType();
        r.readBody(100);
        assertEquals("ab", r.getString());
        assertEquals("insufficient data left in message", assertThrows(PgException.class, r::getInt16).getMessage());
        assertEquals("invalid string in message", assertThrows(PgException.class, r::getString).getMessage());
        assertEquals("invalid message format", assertThrows(PgException.class, r::end).getMessage());
        assertEquals(1, r.getByte());
        assertEquals("no data left in message", assertThrows(PgException.class, r::getByte).getMessage());
        r.end();
    }
}
