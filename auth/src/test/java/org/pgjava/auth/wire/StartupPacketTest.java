package org.pgjava.auth.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;

/** Error texts and codes as PostgreSQL 15.18 sent them to a raw-socket probe. */
class StartupPacketTest {

    private static byte[] body(int code, String... kv) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(ByteBuffer.allocate(4).putInt(code).array());
        for (String s : kv) {
            o.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            o.write(0);
        }
        o.write(0);
        return o.toByteArray();
    }

    @Test
    void startupMessage() {
        var r = StartupPacket.parse(body(196608, "user", "alice", "application_name", "psql", "client_encoding", "UTF8"));
        var s = assertInstanceOf(StartupPacket.Startup.class, r);
        assertEquals("alice", s.user());
        assertEquals("alice", s.database(), "database defaults to the user name");
        assertEquals(Map.of("application_name", "psql", "client_encoding", "UTF8"), s.settingParams());
        assertFalse(s.needsNegotiation());
        s = (StartupPacket.Startup) StartupPacket.parse(body(196609, "user", "u", "database", "d", "_pq_.x", "1"));
        assertEquals("d", s.database());
        assertEquals(List.of("_pq_.x"), s.protocolOptions());
        assertTrue(s.needsNegotiation());
        String longName = "x".repeat(70);
        s = (StartupPacket.Startup) StartupPacket.parse(body(196608, "user", longName));
        assertEquals(63, s.user().length());
    }

    @Test
    void specialRequests() {
        assertInstanceOf(StartupPacket.SslRequest.class, StartupPacket.parse(ByteBuffer.allocate(4).putInt(80877103).array()));
        assertInstanceOf(StartupPacket.GssEncRequest.class, StartupPacket.parse(ByteBuffer.allocate(4).putInt(80877104).array()));
        var c = (StartupPacket.CancelRequest) StartupPacket.parse(ByteBuffer.allocate(12).putInt(80877102).putInt(42).putInt(-7).array());
        assertEquals(new StartupPacket.CancelRequest(42, -7), c);
        PgException e = assertThrows(PgException.class, () -> StartupPacket.parse(ByteBuffer.allocate(8).putInt(80877102).putInt(1).array()));
        assertEquals(Severity.LOG, e.severity());
    }

    @Test
    void errors() {
        PgException e = assertThrows(PgException.class, () -> StartupPacket.parse(body(0x20000, "user", "u")));
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState());
        assertEquals(Severity.FATAL, e.severity());
        assertEquals("unsupported frontend protocol 2.0: server supports 3.0 to 3.0", e.getMessage());
        byte[] noTerm = body(196608, "user", "u");
        byte[] cut = java.util.Arrays.copyOf(noTerm, noTerm.length - 1);
        e = assertThrows(PgException.class, () -> StartupPacket.parse(cut));
        assertEquals(SqlState.PROTOCOL_VIOLATION, e.sqlState());
        assertEquals("invalid startup packet layout: expected terminator as last byte", e.getMessage());
        e = assertThrows(PgException.class, () -> StartupPacket.parse(body(196608, "database", "d")));
        assertEquals(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, e.sqlState());
        assertEquals("no PostgreSQL user name specified in startup packet", e.getMessage());
        e = assertThrows(PgException.class, () -> StartupPacket.parse(body(196608, "user", "")));
        assertEquals("no PostgreSQL user name specified in startup packet", e.getMessage());
        e = assertThrows(PgException.class, () -> StartupPacket.parse(body(196608, "user", "u", "replication", "maybe")));
        assertEquals("invalid value for parameter \"replication\": \"maybe\"", e.getMessage());
        assertEquals("Valid values are: \"false\", 0, \"true\", 1, \"database\".", e.hint());
        e = assertThrows(PgException.class, () -> StartupPacket.checkLength(10009));
        assertEquals("invalid length of startup packet", e.getMessage());
        assertThrows(PgException.class, () -> StartupPacket.checkLength(7));
        StartupPacket.checkLength(8);
        StartupPacket.checkLength(10004);
    }

    @Test
    void options() {
        assertEquals(Map.of("statement_timeout", "5s", "search_path", "a b", "geqo", "off"),
                StartupPacket.parseOptions("-c statement_timeout=5s  -csearch_path=a\\ b --geqo=off"));
        PgException e = assertThrows(PgException.class, () -> StartupPacket.parseOptions("-x"));
        assertEquals(SqlState.SYNTAX_ERROR, e.sqlState());
        assertEquals("invalid command-line argument for server process: -x", e.getMessage());
        assertEquals("Try \"postgres --help\" for more information.", e.hint());
        e = assertThrows(PgException.class, () -> StartupPacket.parseOptions("-c foo"));
        assertEquals("-c foo requires a value", e.getMessage());
    }
}
