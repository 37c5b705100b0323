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
