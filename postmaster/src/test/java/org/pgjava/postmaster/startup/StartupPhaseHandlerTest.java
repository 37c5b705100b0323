package org.pgjava.postmaster.startup;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.pgjava.catalog.authfile.AuthData;
import org.pgjava.catalog.authfile.DatabaseEntry;
import org.pgjava.catalog.authfile.RoleEntry;
import org.pgjava.conf.Settings;
import org.pgjava.conf.hba.HbaFile;
import org.pgjava.conf.hba.HbaRule;
import org.pgjava.postmaster.pool.ConnectionSlots;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The postmaster's startup phase through Netty's EmbeddedChannel: no sockets, no backends; the hand-off
 * is a recorder. Shows that every rejected client gets PostgreSQL's error and that no hand-off is attempted.
 */
class StartupPhaseHandlerTest {

    static final String HBA = """
            local   all   all                   trust
            host    all   mallory  127.0.0.1/32 reject
            host    all   bob      127.0.0.1/32 md5
            host    all   all      127.0.0.1/32 trust
            """;

    static String md5Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static final class Recorder implements ClientHandoff {
        final List<AuthenticatedClient> clients = new ArrayList<>();
        final List<byte[]> pipelined = new ArrayList<>();

        @Override
        public void handOff(ChannelHandlerContext ctx, AuthenticatedClient client, ByteBuf bytes) {
            clients.add(client);
            pipelined.add(ByteBufUtil.getBytes(bytes));
            bytes.release();
        }
    }

    static final class Policy implements StartupPolicy {
        final Settings settings = Settings.defaults();
        final List<HbaRule> rules = HbaFile.parse(HBA, "pg_hba.conf");
        final ConnectionSlots slots;
        final List<int[]> cancels = new ArrayList<>();
        boolean shuttingDown;
        String refusal;
        final AuthData data;

        Policy(int maxConnections) throws Exception {
            slots = new ConnectionSlots(maxConnections, 1);
            data = new AuthData(List.of(
                    new RoleEntry(10, "postgres", true, true, -1, null, null, List.of()),
                    new RoleEntry(16384, "alice", false, true, -1, null, null, List.of()),
                    new RoleEntry(16385, "bob", false, true, -1, "md5" + md5Hex("secret" + "bob"), null, List.of()),
                    new RoleEntry(16386, "nologin", false, false, -1, null, null, List.of())),
                    List.of(new DatabaseEntry(5, "postgres", 10, true, false, -1),
                            new DatabaseEntry(16390, "closed", 10, false, false, -1)));
        }

        @Override public Settings settings() { return settings; }
        @Override public List<HbaRule> hbaRules() { return rules; }
        @Override public AuthData authData() { return data; }
        @Override public ConnectionSlots slots() { return slots; }
        @Override public boolean shuttingDown() { return shuttingDown; }
        @Override public String connectionRefusal() {
            return refusal != null ? refusal : StartupPolicy.super.connectionRefusal();
        }
        @Override public void cancel(int pid, int secret) { cancels.add(new int[]{pid, secret}); }
        @Override public SecureRandom random() { return new SecureRandom(); }
        @Override public byte[] mockAuthNonce() { return new byte[32]; }
    }

    /** An EmbeddedChannel that reports a TCP peer address, so hba "host" lines apply. */
    static final class TcpChannel extends EmbeddedChannel {
        final InetSocketAddress peer;

        TcpChannel(String ip, io.netty.channel.ChannelHandler h) {
            super(false, false, h);
            this.peer = new InetSocketAddress(ip, 50312);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return peer;
        }
    }

    static EmbeddedChannel tcp(Policy p, Recorder r, String ip) throws Exception {
        TcpChannel ch = new TcpChannel(ip, new StartupPhaseHandler(p, r, false));
        ch.register();
        ch.pipeline().fireChannelActive();
        return ch;
    }

    static byte[] startup(Map<String, String> params) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBuffer.allocate(4).putInt(196608).array());
        for (Map.Entry<String, String> e : params.entrySet()) {
            body.writeBytes(e.getKey().getBytes(StandardCharsets.UTF_8));
            body.write(0);
            body.writeBytes(e.getValue().getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        body.write(0);
        byte[] b = body.toByteArray();
        return ByteBuffer.allocate(4 + b.length).putInt(4 + b.length).put(b).array();
    }

    static byte[] startup(String user, String db) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("user", user);
        if (db != null) {
            m.put("database", db);
        }
        m.put("application_name", "psql");
        return startup(m);
    }

    static byte[] output(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            out.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
        }
        return out.toByteArray();
    }

    /** Parses an ErrorResponse: field code → value. */
    static Map<Character, String> error(byte[] msg) {
        assertTrue(msg.length > 5, "no ErrorResponse was sent");
        assertEquals('E', (char) msg[0], "expected ErrorResponse, got " + (char) msg[0]);
        Map<Character, String> f = new LinkedHashMap<>();
        int i = 5;
        while (msg[i] != 0) {
            char code = (char) msg[i++];
            int start = i;
            while (msg[i] != 0) {
                i++;
            }
            f.put(code, new String(msg, start, i - start, StandardCharsets.UTF_8));
            i++;
        }
        return f;
    }

    static void send(EmbeddedChannel ch, byte[] bytes) {
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        ch.runPendingTasks();
    }

    @Test
    void sslRequestGetsNThenTrustLoginIsHandedOffWithPipelinedBytes() throws Exception {
        Policy p = new Policy(10);
        Recorder r = new Recorder();
        EmbeddedChannel ch = tcp(p, r, "127.0.0.1");
        send(ch, new byte[]{0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f});
        assertArrayEquals(new byte[]{'N'}, output(ch));
        byte[] query = {'Q', 0, 0, 0, 13, 'S', 'E', 'L', 'E', 'C', 'T', ' ', '1', 0};
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.writeBytes(startup("alice", "postgres"));
        both.writeBytes(query);
        // arrives in two fragments, split inside the startup packet
        byte[] all = both.toByteArray();
        send(ch, java.util.Arrays.copyOf(all, 7));
        assertTrue(r.clients.isEmpty());
        send(ch, java.util.Arrays.copyOfRange(all, 7, all.length));
        assertEquals(1, r.clients.size());
        AuthenticatedClient c = r.clients.get(0);
        assertEquals("alice", c.user());
        assertEquals(16384, c.roleOid());
        assertEquals("postgres", c.database());
        assertEquals(5, c.databaseOid());
        assertFalse(c.superuser());
        assertEquals("psql", c.parameters().get("application_name"));
        assertEquals("127.0.0.1", c.remote().getAddress().getHostAddress());
        assertArrayEquals(query, r.pipelined.get(0));
        assertEquals(0, output(ch).length, "the backend, not the postmaster, sends AuthenticationOk");
        assertFalse(ch.config().isAutoRead());
        assertEquals(1, p.slots.inUse());
    }

    @Test
    void secondSslRequestIsRejected() throws Exception {
        Policy p = assertDoesNotThrowPolicy();
        Recorder r = new Recorder();
        EmbeddedChannel ch = tcp(p, r, "127.0.0.1");
        byte[] ssl = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};
        send(ch, ssl);
        assertArrayEquals(new byte[]{'N'}, output(ch));
        send(ch, ssl);
        Map<Character, String> e = error(output(ch));
        assertEquals("0A000", e.get('C'));
        assertFalse(ch.isOpen());
    }

    @Test
    void noHbaMatchIsFatal28000AndNothingIsHandedOff() throws Exception {
        Policy p = assertDoesNotThrowPolicy();
        Recorder r = new Recorder();
        EmbeddedChannel ch = tcp(p, r, "10.1.2.3");
        send(ch, startup("alice", "postgres"));
        Map<Character, String> e = error(output(ch));
        assertEquals("FATAL", e.get('S'));
        assertEquals("28000", e.get('C'));
        assertEquals("no pg_hba.conf entry for host \"10.1.2.3\", user \"alice\", database \"postgres\", no encryption",
                e.get('M'));
        assertTrue(r.clients.isEmpty());
        assertFalse(ch.isOpen());
        assertEquals(0, p.slots.inUse());
    }

    @Test
    void hbaRejectLine() throws Exception {
        Policy p = assertDoesNotThrowPolicy();
        Recorder r = new Recorder();
        EmbeddedChannel ch = tcp(p, r, "127.0.0.1");
        send(ch, startup("mallory", "postgres"));
        Map<Character, String> e = error(output(ch));
        assertEquals("28000", e.get('C'));
        assertEquals("pg_hba.conf rejects connection for host \"127.0.0.1\", user \"mallory\", database \"postgres\", no encryption",
                e.get('M'));
        assertTrue(r.clients.isEmpty());
    }

    @Test
    void md5RightAndWrongPassword() throws Exception {
        for (String password : new String[]{"secret", "wrong"}) {
            Policy p = new Policy(10);
            Recorder r = new Recorder();
            EmbeddedChannel ch = tcp(p, r, "127.0.0.1");
            send(ch, startup("bob", "postgres"));
            byte[] req = output(ch);
            assertEquals('R', (char) req[0]);
            assertEquals(5, ByteBuffer.wrap(req).getInt(5), "AuthenticationMD5Password");
            byte[] salt = java.util.Arrays.copyOfRange(req, 9, 13);
            String inner = md5Hex(password + "bob");
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(inner.getBytes(StandardCharsets.UTF_8));
            md.update(salt);
            byte[] resp = ("md5" + HexFormat.of().formatHex(md.digest())).getBytes(StandardCharsets.UTF_8);
            ByteBuffer msg = ByteBuffer.allocate(1 + 4 + resp.length + 1);
            msg.put((byte) 'p').putInt(4 + resp.length + 1).put(resp).put((byte) 0);
            send(ch, msg.array());
            if (password.equals("secret")) {
                assertEquals(1, r.clients.size());
                assertEquals("bob", r.clients.get(0).user());
            } else {
                Map<Character, String> e = error(output(ch));
                assertEquals("28P01", e.get('C'));
                assertEquals("password authentication failed for user \"bob\"", e.get('M'));
                assertTrue(r.clients.isEmpty());
                assertFalse(ch.isOpen());
                assertEquals(0, p.slots.inUse());
            }
        }
    }

    @Test
    void roleAndDatabaseChecks() throws Exception {
        String[][] cases = {
            {"ghost", "postgres", "28000", "role \"ghost\" does not exist"},
            {"nologin", "postgres", "28000", "role \"nologin\" is not permitted to log in"},
            {"alice", "nosuchdb", "3D000", "database \"nosuchdb\" does not exist"},
            {"alice", "closed", "55000", "database \"closed\" is not currently accepting connections"},
        };
        for (String[] c : cases) {
            Policy p = assertDoesNotThrowPolicy();
            Recorder r = new Recorder();
            EmbeddedChannel ch = tcp(p, r, "127.0.0.1");
            send(ch, startup(c[0], c[1]));
            Map<Character, String> e = error(output(ch));
            assertEquals(c[2], e.get('C'), c[3]);
            assertEquals(c[3], e.get('M'));
            assertTrue(r.clients.isEmpty());
            assertEquals(0, p.slots.inUse());
        }
    }

    @Test
    void tooManyClients() throws Exception {
        Policy p = assertDoesNotThrowPolicy(2);
        Recorder r = new Recorder();
        // max_connections 2, 1 reserved for superusers: the 1st non-superuser fits, the 2nd does not
        EmbeddedChannel a = tcp(p, r, "127.0.0.1");
        send(a, startup("alice", "postgres"));
        assertEquals(1, r.clients.size());
        EmbeddedChannel b = tcp(p, r, "127.0.0.1");
        send(b, startup("alice", "postgres"));
        assertEquals("remaining connection slots are reserved for non-replication superuser connections",
                error(output(b)).get('M'));
        EmbeddedChannel su = tcp(p, r, "127.0.0.1");
        send(su, startup("postgres", "postgres"));
        assertEquals(2, r.clients.size());
        EmbeddedChannel c = tcp(p, r, "127.0.0.1");
        send(c, startup("postgres", "postgres"));
        Map<Character, String> e = error(output(c));
        assertEquals("53300", e.get('C'));
        assertEquals("sorry, too many clients already", e.get('M'));
    }

    @Test
    void malformedPacketsAndHugeLength() throws Exception {
        Policy p = assertDoesNotThrowPolicy();
        Recorder r = new Recorder();
        // no terminator after the last pair
        byte[] bad = startup("alice", "postgres");
        bad = java.util.Arrays.copyOf(bad, bad.length - 1);
        ByteBuffer.wrap(bad).putInt(0, bad.length);
        EmbeddedChannel ch = tcp(p, r, "127.0.0.1");
        send(ch, bad);
        Map<Character, String> e = error(output(ch));
        assertEquals("08P01", e.get('C'));
        assertEquals("invalid startup packet layout: expected terminator as last byte", e.get('M'));

        EmbeddedChannel huge = tcp(p, r, "127.0.0.1");
        send(huge, new byte[]{0x7f, 0, 0, 0, 0, 3, 0, 0});
        assertEquals(0, output(huge).length, "invalid length: closed without a reply");
        assertFalse(huge.isOpen());

        EmbeddedChannel v2 = tcp(p, r, "127.0.0.1");
        send(v2, new byte[]{0, 0, 0, 9, 0, 2, 0, 0, 0});
        byte[] out = output(v2);
        assertTrue(out.length > 0 && out[0] == 'E', "protocol 2 error");
        assertFalse(v2.isOpen());

        EmbeddedChannel notPassword = tcp(p, r, "127.0.0.1");
        send(notPassword, startup("bob", "postgres"));
        output(notPassword);
        send(notPassword, new byte[]{'Q', 0, 0, 0, 5, 0});
        assertEquals("08P01", error(output(notPassword)).get('C'));
        assertTrue(r.clients.isEmpty());
        assertEquals(0, p.slots.inUse());
    }

    @Test
    void cancelRequestIsRoutedAndClosedSilently() throws Exception {
        Policy p = assertDoesNotThrowPolicy();
        Recorder r = new Recorder();
        EmbeddedChannel ch = tcp(p, r, "127.0.0.1");
        send(ch, ByteBuffer.allocate(16).putInt(16).putInt(80877102).putInt(4321).putInt(777).array());
        assertEquals(0, output(ch).length);
        assertFalse(ch.isOpen());
        assertEquals(1, p.cancels.size());
        assertEquals(4321, p.cancels.get(0)[0]);
        assertEquals(777, p.cancels.get(0)[1]);
    }

    @Test
    void shuttingDownRefusesNewClients() throws Exception {
        Policy p = assertDoesNotThrowPolicy();
        p.shuttingDown = true;
        Recorder r = new Recorder();
        EmbeddedChannel ch = tcp(p, r, "127.0.0.1");
        send(ch, startup("alice", "postgres"));
        Map<Character, String> e = error(output(ch));
        assertEquals("57P03", e.get('C'));
        assertEquals("the database system is shutting down", e.get('M'));
    }

    @Test
    void crashRecoveryRefusesNewClientsInRecoveryMode() throws Exception {
        Policy p = assertDoesNotThrowPolicy();
        p.refusal = "the database system is in recovery mode";
        Recorder r = new Recorder();
        EmbeddedChannel ch = tcp(p, r, "127.0.0.1");
        send(ch, startup("alice", "postgres"));
        Map<Character, String> e = error(output(ch));
        assertEquals("FATAL", e.get('S'));
        assertEquals("57P03", e.get('C'));
        assertEquals("the database system is in recovery mode", e.get('M'));
        assertEquals(0, p.slots.inUse(), "no connection slot is taken");
    }

    @Test
    void unixSocketClientsMatchLocalLines() throws Exception {
        Policy p = assertDoesNotThrowPolicy();
        Recorder r = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(false, false, new StartupPhaseHandler(p, r, true));
        ch.register();
        ch.pipeline().fireChannelActive();
        send(ch, startup("bob", null)); // local all all trust; database defaults to the user name
        Map<Character, String> e = error(output(ch));
        assertEquals("database \"bob\" does not exist", e.get('M'));
        EmbeddedChannel ok = new EmbeddedChannel(false, false, new StartupPhaseHandler(p, r, true));
        ok.register();
        ok.pipeline().fireChannelActive();
        send(ok, startup("bob", "postgres"));
        assertEquals(1, r.clients.size());
        assertNull(r.clients.get(0).remote());
    }

    static Policy assertDoesNotThrowPolicy() {
        return assertDoesNotThrowPolicy(10);
    }

    static Policy assertDoesNotThrowPolicy(int max) {
        try {
            return new Policy(max);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
