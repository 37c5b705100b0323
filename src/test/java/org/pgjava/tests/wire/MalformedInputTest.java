package org.pgjava.tests.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.pgjava.tests.harness.PgJavaServer;
import org.pgjava.tests.harness.PgJavaServerExtension;

/**
 * Bad input on the wire — random bytes, truncated and huge lengths, unknown message types, clients that
 * vanish or never speak — costs only that client its connection: the postmaster and other sessions keep
 * serving.
 */
class MalformedInputTest {
    @RegisterExtension
    static final PgJavaServerExtension db =
            new PgJavaServerExtension(PgJavaServer.options().set("authentication_timeout", "2s"));
    static Connection bystander;

    @BeforeAll
    static void start() throws Exception {
        bystander = db.server().connect();
    }

    @AfterAll
    static void stop() throws Exception {
        if (bystander != null) {
            bystander.close();
        }
    }

    /** After every case: the bystander session and a brand-new psql client are both unharmed. */
    @AfterEach
    void othersStillServed() throws Exception {
        try (Statement s = bystander.createStatement(); ResultSet rs = s.executeQuery("SELECT 41 + 1")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
        }
        PgJavaServer.ProcessResult r = db.server().psql("-c", "SELECT 'still here'");
        assertEquals(0, r.exitCode(), r.all() + "\n--- log ---\n" + db.server().log());
        assertEquals("still here", r.stdout().trim());
    }

    private static Socket open() throws IOException {
        Socket s = new Socket(db.server().host(), db.server().port());
        s.setSoTimeout(15_000);
        return s;
    }

    private static byte[] startupPacket(String user, String db) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(4).putInt(196608);
        body.writeBytes(head.array());
        for (String kv : new String[] {"user", user, "database", db}) {
            body.writeBytes(kv.getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        body.write(0);
        byte[] b = body.toByteArray();
        return ByteBuffer.allocate(4 + b.length).putInt(4 + b.length).put(b).array();
    }

    /** Reads backend messages until one of type {@code stop}; returns the types seen. */
    private static List<Character> readUntil(InputStream in, char stop) throws IOException {
        DataInputStream d = new DataInputStream(in);
        List<Character> seen = new ArrayList<>();
        while (true) {
            char type = (char) d.readUnsignedByte();
            int len = d.readInt();
            d.skipNBytes(len - 4);
            seen.add(type);
            if (type == stop) {
                return seen;
            }
        }
    }

    /** Reads what the server sends until it closes; true if it closed (EOF/reset) within the timeout. */
    private static String drainUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("server did not close the connection; got: " + got, e);
        } catch (IOException reset) {
            // connection reset is a close too
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    /** A session that has completed startup and is at ReadyForQuery. */
    private static Socket readySession() throws IOException {
        Socket s = open();
        s.getOutputStream().write(startupPacket("postgres", "postgres"));
        List<Character> types = readUntil(s.getInputStream(), 'Z');
        assertEquals('R', types.get(0), "AuthenticationOk first: " + types);
        return s;
    }

    @Test
    void randomBytesInsteadOfStartup() throws Exception {
        Random rnd = new Random(42);
        for (int i = 0; i < 10; i++) {
            try (Socket s = open()) {
                byte[] junk = new byte[1 + rnd.nextInt(200)];
                rnd.nextBytes(junk);
                s.getOutputStream().write(junk);
                s.shutdownOutput();
                drainUntilClosed(s.getInputStream());
            }
        }
    }

    @Test
    void hugeStartupLengthIsRefused() throws Exception {
        try (Socket s = open()) {
            s.getOutputStream().write(ByteBuffer.allocate(8).putInt(0x7fffffff).putInt(196608).array());
            drainUntilClosed(s.getInputStream());
        }
    }

    @Test
    void truncatedStartupAndVanishingClient() throws Exception {
        try (Socket s = open()) {
            byte[] p = startupPacket("postgres", "postgres");
            s.getOutputStream().write(p, 0, p.length / 2);
        } // closes mid-packet
    }

    @Test
    void silentClientIsDroppedAfterAuthenticationTimeout() throws Exception {
        try (Socket s = open()) {
            long t0 = System.nanoTime();
            drainUntilClosed(s.getInputStream());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 1_000 && ms < 14_000, "dropped after authentication_timeout=2s, took " + ms + " ms");
        }
    }

    @Test
    void unsupportedProtocolVersion() throws Exception {
        try (Socket s = open()) {
            byte[] p = startupPacket("postgres", "postgres");
            ByteBuffer.wrap(p).putInt(4, 0x00020000);
            s.getOutputStream().write(p);
            String reply = drainUntilClosed(s.getInputStream());
            // as PostgreSQL: the error goes out in the old protocol's format (no fields, no SQLSTATE)
            assertTrue(reply.startsWith("EFATAL:  unsupported frontend protocol 2.0: server supports 3.0 to 3.0"),
                    reply);
        }
    }

    @Test
    void hugeMessageLengthAfterStartupIsFatal08P01() throws Exception {
        try (Socket s = readySession()) {
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {'Q'});
            out.write(ByteBuffer.allocate(4).putInt(0x7ffffff0).array());
            out.flush();
            String reply = drainUntilClosed(s.getInputStream());
            assertTrue(reply.startsWith("E") && reply.contains("FATAL") && reply.contains("08P01"), reply);
        }
    }

    @Test
    void unknownMessageTypeIsFatal08P01() throws Exception {
        try (Socket s = readySession()) {
            s.getOutputStream().write(new byte[] {'@', 0, 0, 0, 4});
            String reply = drainUntilClosed(s.getInputStream());
            assertTrue(reply.contains("invalid frontend message type 64") && reply.contains("08P01"), reply);
        }
    }

    @Test
    void negativeLengthIsFatal08P01() throws Exception {
        try (Socket s = readySession()) {
            s.getOutputStream().write(new byte[] {'Q', 0, 0, 0, 2});
            String reply = drainUntilClosed(s.getInputStream());
            assertTrue(reply.contains("08P01"), reply);
        }
    }

    @Test
    void clientVanishesMidMessage() throws Exception {
        try (Socket s = readySession()) {
            s.getOutputStream().write(new byte[] {'Q', 0, 0, 0, 100, 'S', 'E', 'L'});
        }
    }

    @Test
    void randomBytesAfterStartup() throws Exception {
        Random rnd = new Random(7);
        for (int i = 0; i < 5; i++) {
            try (Socket s = readySession()) {
                byte[] junk = new byte[64 + rnd.nextInt(500)];
                rnd.nextBytes(junk);
                s.getOutputStream().write(junk);
                s.shutdownOutput();
                drainUntilClosed(s.getInputStream());
            } catch (EOFException ignored) {
                // fine: closed early
            }
        }
    }

    @Test
    void manyGarbageClientsAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                final int seed = i;
                fs.add(pool.submit(() -> {
                    try (Socket s = open()) {
                        byte[] junk = new byte[16];
                        new Random(seed).nextBytes(junk);
                        junk[0] = 0;
                        junk[1] = 0;
                        s.getOutputStream().write(junk);
                        s.shutdownOutput();
                        drainUntilClosed(s.getInputStream());
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
