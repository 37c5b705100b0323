package org.pgjava.shmem.handoff;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandoffPayloadTest {

    static HandoffPayload sample(boolean local) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "alice");
        params.put("database", "db1");
        params.put("application_name", "psql");
        params.put("client_encoding", "UTF8");
        return new HandoffPayload(196608, "alice", "db1", 16384, 16385, true, params, 0x7eadbeef,
                local, local ? null : "127.0.0.1", local ? -1 : 50312, new byte[]{'Q', 0, 0, 0, 5, 0});
    }

    @Test
    void roundTripKeepsEveryFieldAndParameterOrder() {
        for (boolean local : new boolean[]{true, false}) {
            HandoffPayload p = sample(local);
            HandoffPayload q = HandoffPayload.decode(p.encode());
            assertEquals(p.protocolVersion(), q.protocolVersion());
            assertEquals("alice", q.user());
            assertEquals("db1", q.database());
            assertEquals(16384, q.roleOid());
            assertEquals(16385, q.databaseOid());
            assertTrue(q.superuser());
            assertEquals(0x7eadbeef, q.cancelSecret());
            assertEquals(local, q.local());
            assertEquals(p.clientAddress(), q.clientAddress());
            assertEquals(p.clientPort(), q.clientPort());
            assertEquals(List.copyOf(p.parameters().keySet()), List.copyOf(q.parameters().keySet()));
            assertEquals(p.parameters(), q.parameters());
            assertArrayEquals(p.pipelined(), q.pipelined());
        }
    }

    @Test
    void layoutIsAsDocumented() {
        byte[] b = sample(false).encode();
        ByteBuffer in = ByteBuffer.wrap(b);
        assertEquals(196608, in.getInt(0));
        assertEquals(16384, in.getInt(4));
        assertEquals(16385, in.getInt(8));
        assertEquals(1, in.get(12));
        assertEquals(0x7eadbeef, in.getInt(13));
        assertEquals('T', in.get(17));
        assertEquals(50312, in.getInt(18));
        assertEquals(9, in.getInt(22)); // "127.0.0.1"
        byte[] local = sample(true).encode();
        assertEquals('L', local[17]);
        assertEquals(-1, ByteBuffer.wrap(local).getInt(22)); // null address
        assertNull(HandoffPayload.decode(local).clientAddress());
    }

    @Test
    void truncatedOrCorruptPayloadIsRejected() {
        byte[] b = sample(false).encode();
        for (int cut : new int[]{0, 5, 20, b.length - 1}) {
            byte[] t = java.util.Arrays.copyOf(b, cut);
            assertThrows(IllegalArgumentException.class, () -> HandoffPayload.decode(t));
        }
        byte[] bad = b.clone();
        bad[17] = 'X';
        assertThrows(IllegalArgumentException.class, () -> HandoffPayload.decode(bad));
        byte[] extra = java.util.Arrays.copyOf(b, b.length + 1);
        assertThrows(IllegalArgumentException.class, () -> HandoffPayload.decode(extra));
    }
}
