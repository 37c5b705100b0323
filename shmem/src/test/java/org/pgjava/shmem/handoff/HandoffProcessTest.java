package org.pgjava.shmem.handoff;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.shmem.os.DescriptorStream;
import org.pgjava.shmem.os.LibC;
import org.pgjava.shmem.os.UnixSockets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SCM_RIGHTS hand-off of a real socket between threads and between processes, through the same
 * {@link HandoffServer}/{@link HandoffClient} pair the postmaster and backends use.
 */
class HandoffProcessTest {

    record Event(String kind, BackendLink link, int pid, String token, boolean reusable) {
    }

    static HandoffServer server(Path dir, BlockingQueue<Event> events) throws Exception {
        Path sock = HandoffSocketPath.choose(dir, new SecureRandom());
        return HandoffServer.start(sock, new HandoffServer.Listener() {
            @Override
            public void onReady(BackendLink link, int pid, String token) {
                events.add(new Event("ready", link, pid, token, false));
            }

            @Override
            public void onClientDone(BackendLink link, boolean reusable) {
                events.add(new Event("done", link, link.pid(), null, reusable));
            }

            @Override
            public void onDisconnected(BackendLink link) {
                events.add(new Event("gone", link, link.pid(), null, false));
            }
        });
    }

    static int[] socketPair() {
        int[] sv = new int[2];
        LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, sv);
        return sv;
    }

    @Test
    void descriptorPassesBetweenThreadsAndCarriesData(@TempDir Path dir) throws Exception {
        BlockingQueue<Event> events = new ArrayBlockingQueue<>(10);
        try (HandoffServer server = server(dir, events)) {
            BlockingQueue<String> childResult = new ArrayBlockingQueue<>(1);
            Thread t = Thread.ofPlatform().start(() -> {
                try (HandoffClient c = HandoffClient.connect(server.socketPath())) {
                    c.announceReady(4242, "tok");
                    HandoffClient.Client in = (HandoffClient.Client) c.awaitNext();
                    DescriptorStream s = new DescriptorStream(in.descriptor());
                    byte[] b = new byte[64];
                    int n = s.read(b, 0, b.length);
                    String got = new String(b, 0, n, StandardCharsets.UTF_8);
                    byte[] reply = ("echo:" + got + ":" + in.payload().user()).getBytes(StandardCharsets.UTF_8);
                    s.write(reply, 0, reply.length);
                    s.close();
                    c.reportDone(true);
                    childResult.add("ok");
                } catch (Exception e) {
                    childResult.add("failed: " + e);
                }
            });
            Event ready = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(ready);
            assertEquals("ready", ready.kind());
            assertEquals(4242, ready.pid());
            assertEquals("tok", ready.token());
            int[] pair = socketPair();
            ready.link().handOff(pair[1], HandoffPayloadTest.sample(true));
            UnixSockets.closeQuietly(pair[1]); // our copy: the other thread's copy keeps the socket open
            DescriptorStream mine = new DescriptorStream(pair[0]);
            byte[] hi = "hi".getBytes(StandardCharsets.UTF_8);
            mine.write(hi, 0, 2);
            byte[] buf = new byte[64];
            int n = mine.read(buf, 0, buf.length);
            assertEquals("echo:hi:alice", new String(buf, 0, n, StandardCharsets.UTF_8));
            assertEquals(-1, mine.read(buf, 0, buf.length), "FIN after the receiver closed its copy");
            mine.close();
            Event done = events.poll(10, TimeUnit.SECONDS);
            assertEquals("done", done.kind());
            assertTrue(done.reusable());
            t.join(10_000);
            assertEquals("ok", childResult.poll());
            assertEquals("gone", events.poll(10, TimeUnit.SECONDS).kind());
        }
    }

    @Test
    void descriptorPassesToAnotherProcess(@TempDir Path dir) throws Exception {
        BlockingQueue<Event> events = new ArrayBlockingQueue<>(10);
        try (HandoffServer server = server(dir, events)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), HandoffChildMain.class.getName(),
                    server.socketPath().toString(), "secret-token")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            try {
                Event ready = events.poll(30, TimeUnit.SECONDS);
                assertNotNull(ready, "child never announced itself");
                assertEquals("secret-token", ready.token());
                assertEquals(child.pid(), ready.pid());
                assertNotEquals(ProcessHandle.current().pid(), ready.pid());
                int[] pair = socketPair();
                ready.link().handOff(pair[1], HandoffPayloadTest.sample(false));
                UnixSockets.closeQuietly(pair[1]);
                DescriptorStream mine = new DescriptorStream(pair[0]);
                byte[] q = "SELECT 1".getBytes(StandardCharsets.UTF_8);
                mine.write(q, 0, q.length);
                StringBuilder got = new StringBuilder();
                byte[] buf = new byte[256];
                int n;
                while ((n = mine.read(buf, 0, buf.length)) > 0) {
                    got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
                mine.close();
                assertEquals("pid " + child.pid() + " db db1 pipelined 6 got SELECT 1", got.toString());
                Event done = events.poll(10, TimeUnit.SECONDS);
                assertEquals("done", done.kind());
                assertEquals(false, done.reusable());
                done.link().requestExit();
                assertTrue(child.waitFor(10, TimeUnit.SECONDS));
                assertEquals(0, child.exitValue());
                assertEquals("gone", events.poll(10, TimeUnit.SECONDS).kind());
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void longDataDirectoryFallsBackToShortSocketPath(@TempDir Path dir) throws Exception {
        Path deep = dir.resolve("x".repeat(60)).resolve("y".repeat(60));
        Path p = HandoffSocketPath.choose(deep, new SecureRandom());
        assertTrue(p.startsWith("/tmp"), p.toString());
        assertTrue(UnixSockets.fitsSocketPath(p));
        java.nio.file.Files.delete(p.getParent());
        Path normal = HandoffSocketPath.choose(dir, new SecureRandom());
        assertEquals(dir.resolve("pg_internal").resolve("handoff.sock").toAbsolutePath(), normal);
    }
}
