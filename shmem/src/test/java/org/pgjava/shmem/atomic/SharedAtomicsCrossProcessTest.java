package org.pgjava.shmem.atomic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.shmem.lock.LockChildMain;
import org.pgjava.shmem.segment.CrossProcessFixture;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pgjava.shmem.segment.CrossProcessFixture.ATOMIC_ADD;
import static org.pgjava.shmem.segment.CrossProcessFixture.ATOMIC_CAS;

/** getAndAdd and compare-and-set loops from several child JVMs on the same words lose no update. */
class SharedAtomicsCrossProcessTest {
    @TempDir
    Path dir;

    @Test
    void getAndAddAndCasFromFourProcesses() throws Exception {
        int children = 4;
        int iterations = 200_000;
        try (CrossProcessFixture f = new CrossProcessFixture(dir)) {
            for (int i = 0; i < children; i++) {
                f.start(LockChildMain.class, "atomic", String.valueOf(i + 1), String.valueOf(iterations));
            }
            f.awaitAttachedThenGo(children, 30_000);
            f.awaitChildrenSucceed(60);
            assertEquals((long) children * iterations, SharedAtomics.getLong(f.words(), ATOMIC_ADD));
            assertEquals((long) children * iterations, SharedAtomics.getLong(f.words(), ATOMIC_CAS));
        }
    }
}
