package org.pgjava.shmem.os;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessControlTest {
    @Test
    void pidsAndSignals() {
        assertEquals(ProcessHandle.current().pid(), ProcessControl.pid());
        assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), ProcessControl.parentPid());
        assertTrue(ProcessControl.isAlive(ProcessControl.pid()));
        assertFalse(ProcessControl.isAlive(0));
        assertFalse(ProcessControl.signal(Integer.MAX_VALUE - 1, 0));
    }

    @Test
    void titleShowsInCmdlineAndComm() throws Exception {
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), TitleChildMain.class.getName(), "pgjava: alice db1 [local] idle")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
            assertEquals("titled", line);
            byte[] cmdline = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + p.pid() + "/cmdline"));
            String shown = new String(cmdline, java.nio.charset.StandardCharsets.UTF_8).replace("\0", " ").strip();
            assertEquals("pgjava: alice db1 [local] idle", shown);
            String comm = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + p.pid() + "/comm")).strip();
            assertEquals("pgjava: alice d", comm);
        } finally {
            p.getOutputStream().close();
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    @Test
    void readsWithoutDescriptorIsEofAware() throws Exception {
        int[] sv = new int[2];
        LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM, 0, sv);
        DescriptorStream a = new DescriptorStream(sv[0]);
        DescriptorStream b = new DescriptorStream(sv[1]);
        a.write(new byte[]{1, 2, 3}, 0, 3);
        a.close();
        byte[] buf = new byte[10];
        assertEquals(3, b.read(buf, 0, 10));
        assertEquals(-1, b.read(buf, 0, 10));
        b.close();
        b.close(); // idempotent
    }
}
