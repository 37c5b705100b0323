package org.pgjava.postmaster.ctl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PgCtlTest {
    @Test
    void optionSplittingHonoursQuotes() {
        assertEquals(List.of("-c", "port=5433", "-c", "application_name=a b"),
                PgCtl.splitOptions("-c port=5433  -c 'application_name=a b'"));
        assertEquals(List.of(), PgCtl.splitOptions("   "));
    }

    @Test
    void statusAndStopWithoutServer(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var ctor = PgCtl.class.getDeclaredConstructor(PrintStream.class, PrintStream.class);
        ctor.setAccessible(true);
        PgCtl ctl = ctor.newInstance(new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(3, ctl.run(new String[]{"status", "-D", dir.toString()}));
        assertEquals("pg_ctl: no server running\n", out.toString());
        assertEquals(1, ctl.run(new String[]{"stop", "-D", dir.toString()}));
        assertTrue(err.toString().contains("pg_ctl: PID file \"" + dir.toAbsolutePath() + "/postmaster.pid\" does not exist"),
                err.toString());
        assertTrue(err.toString().contains("Is server running?"));
        assertEquals(1, ctl.run(new String[]{"stop", "-D", dir.toString(), "-m", "bogus"}));
    }
}
