package org.pgjava.postmaster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PidFileTest {

    @Test
    void writesPostgresLayoutAndUpdatesStatus(@TempDir Path dir) throws Exception {
        PidFile f = PidFile.acquire(dir, 4242, 1700000000L, 5433, "/tmp", "localhost");
        List<String> lines = Files.readAllLines(dir.resolve("postmaster.pid"));
        assertEquals("4242", lines.get(0));
        assertEquals(dir.toAbsolutePath().toString(), lines.get(1));
        assertEquals("1700000000", lines.get(2));
        assertEquals("5433", lines.get(3));
        assertEquals("/tmp", lines.get(4));
        assertEquals("localhost", lines.get(5));
        assertEquals("starting", lines.get(7));
        assertFalse(PidFile.read(dir).orElseThrow().ready());
        f.setStatus(PidFile.STATUS_READY);
        assertEquals("ready   ", Files.readAllLines(dir.resolve("postmaster.pid")).get(7));
        PidFile.Contents c = PidFile.read(dir).orElseThrow();
        assertTrue(c.ready());
        assertEquals(4242, c.pid());
        assertEquals(5433, c.port());
        f.remove();
        assertTrue(PidFile.read(dir).isEmpty());
    }

    @Test
    void liveOwnerIsRefusedWithPostgresMessage(@TempDir Path dir) throws Exception {
        // a live process that is neither us nor our parent: a sleeping child
        Process other = new ProcessBuilder("sleep", "30").start();
        try {
            Files.writeString(dir.resolve("postmaster.pid"), other.pid() + "\n" + dir + "\n");
            PgException e = assertThrows(PgException.class,
                    () -> PidFile.acquire(dir, (int) ProcessHandle.current().pid(), 1, 5432, "", ""));
            assertEquals(Severity.FATAL, e.severity());
            assertEquals("lock file \"postmaster.pid\" already exists", e.getMessage());
            assertEquals("Is another postmaster (PID " + other.pid() + ") running in data directory \""
                    + dir.toAbsolutePath() + "\"?", e.hint());
        } finally {
            other.destroyForcibly().waitFor();
        }
    }

    @Test
    void staleFileIsReplaced(@TempDir Path dir) throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.writeString(dir.resolve("postmaster.pid"), dead.pid() + "\n" + dir + "\n");
        int me = (int) ProcessHandle.current().pid();
        PidFile f = PidFile.acquire(dir, me, 1, 5432, "", "");
        assertEquals(me, PidFile.read(dir).orElseThrow().pid());
        f.remove();
    }

    @Test
    void garbageFileReadsAsAbsent(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("postmaster.pid"), "not a pid\n");
        assertTrue(PidFile.read(dir).isEmpty());
    }
}
