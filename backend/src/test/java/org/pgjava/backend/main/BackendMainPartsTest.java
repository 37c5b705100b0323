package org.pgjava.backend.main;

import org.junit.jupiter.api.Test;
import org.pgjava.backend.protocol.StartupInfo;
import org.pgjava.backend.protocol.PostgresMain;
import org.pgjava.backend.protocol.SessionEnd;
import org.pgjava.conf.Settings;
import org.pgjava.shmem.os.DescriptorStream;
import org.pgjava.shmem.os.LibC;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendMainPartsTest {

    @Test
    void socketChannelServesPipelinedBytesFirstAndBuffersWrites() throws Exception {
        int[] sv = new int[2];
        LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM, 0, sv);
        SocketClientChannel ch = new SocketClientChannel(sv[0], "ab".getBytes(StandardCharsets.UTF_8), null, -1);
        DescriptorStream peer = new DescriptorStream(sv[1]);
        peer.write("cd".getBytes(StandardCharsets.UTF_8), 0, 2);
        byte[] buf = new byte[10];
        assertEquals(2, ch.read(buf, 0, 10));
        assertEquals("ab", new String(buf, 0, 2, StandardCharsets.UTF_8));
        assertEquals(2, ch.read(buf, 0, 10));
        assertEquals("cd", new String(buf, 0, 2, StandardCharsets.UTF_8));
        ch.write("xyz".getBytes(StandardCharsets.UTF_8), 0, 3);
        ch.flush();
        assertEquals(3, peer.read(buf, 0, 10));
        assertEquals("xyz", new String(buf, 0, 3, StandardCharsets.UTF_8));
        ch.writeFatalAndShutdown(new byte[]{'E', 0, 0, 0, 4});
        assertEquals(5, peer.read(buf, 0, 10));
        assertEquals(-1, peer.read(buf, 0, 10), "FIN after the shutdown");
        assertEquals(-1, ch.read(buf, 0, 10), "our own read sees end of stream too");
        ch.close();
        peer.close();
        assertEquals(null, ch.remoteAddress());
        assertEquals(-1, ch.remotePort());
    }

    @Test
    void warmUpScriptRunsAWholeSessionWithoutErrors() {
        LinkedHashMap<String, String> params = new LinkedHashMap<>();
        params.put("user", "w");
        params.put("database", "postgres");
        StartupInfo info = new StartupInfo("w", "postgres", 10, 5, true, params, 1);
        ScriptedClientChannel ch = new ScriptedClientChannel(ScriptedClientChannel.warmUpScript(3));
        SessionEnd end = new PostgresMain(ch, info, Settings.defaults(), 1234, a -> { }).run();
        assertEquals(SessionEnd.Reason.TERMINATE_MESSAGE, end.reason());
        assertTrue(end.reusable());
        byte[] out = ch.output();
        int errors = 0;
        int ready = 0;
        int complete = 0;
        for (int i = 0; i < out.length; ) {
            char type = (char) out[i];
            int len = ((out[i + 1] & 0xff) << 24) | ((out[i + 2] & 0xff) << 16) | ((out[i + 3] & 0xff) << 8)
                    | (out[i + 4] & 0xff);
            if (type == 'E') {
                errors++;
            } else if (type == 'Z') {
                ready++;
            } else if (type == 'C') {
                complete++;
            }
            i += 1 + len;
        }
        assertEquals(0, errors, "the warm-up session must not hit errors (it would warm the wrong paths)");
        // per round: 2 simple queries + 1 Sync, plus the Close's Sync in round one, plus the first after startup
        assertEquals(1 + 3 * 3 + 1, ready);
        assertTrue(complete >= 3 * 4, "commands completed: " + complete);
        assertFalse(out.length == 0);
    }
}
