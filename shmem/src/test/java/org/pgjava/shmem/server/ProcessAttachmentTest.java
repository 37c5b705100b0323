package org.pgjava.shmem.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.shmem.procarray.BackendType;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SegmentValidationException;
import org.pgjava.shmem.segment.SharedSegment;
import org.pgjava.shmem.status.BackendStatus;

/** The server layout's formula and environment form, and a child's attach / client / standby / detach cycle. */
class ProcessAttachmentTest {
    @TempDir
    Path dir;

    @Test
    void slotCountAndEnvironmentRoundTrip() {
        assertEquals(100 + 2 + ServerSegmentLayout.AUXILIARY_PROCESSES + ServerSegmentLayout.HEADROOM,
                ServerSegmentLayout.slotCount(100, 2));
        ServerSegmentLayout l = ServerSegmentLayout.layout(7, 1024, 1000, 31, 64);
        ServerSegmentLayout back = ServerSegmentLayout.fromEnvironmentValue(l.toEnvironmentValue());
        assertEquals(7, back.slots());
        assertEquals(1024, back.querySize());
        assertEquals(1000, back.buffers());
        assertEquals(31, back.walBuffers());
        assertEquals(64, back.maxLocksPerTransaction());
        assertEquals(4, back.clogBuffers());
        assertEquals(512, ServerSegmentLayout.resolveWalBuffers(-1, 16384), "128MB shared_buffers -> 4MB WAL buffers");
        assertEquals(8, ServerSegmentLayout.resolveWalBuffers(-1, 16));
        assertEquals(l.regions().totalSize(), back.regions().totalSize());
        assertThrows(IllegalArgumentException.class, () -> ServerSegmentLayout.fromEnvironmentValue("x"));
        assertThrows(IllegalArgumentException.class, () -> ServerSegmentLayout.fromEnvironmentValue(null));
    }

    @Test
    void attachClaimBecomeClientStandbyDetach() throws Exception {
        ServerSegmentLayout layout = ServerSegmentLayout.layout(2, 1024);
        SegmentIdentity id = new SegmentIdentity(dir.resolve("seg"), 4242, 1);
        try (SharedSegment created = SharedSegment.create(id, layout.regions())) {
            String env = id.toEnvironmentValue();
            ProcessAttachment a = ProcessAttachment.attach(env, layout.toEnvironmentValue(), 1001,
                    BackendType.STANDBY_BACKEND);
            ProcessAttachment b = ProcessAttachment.attach(env, layout.toEnvironmentValue(), 1002,
                    BackendType.CHECKPOINTER);
            assertEquals(0, a.slot());
            assertEquals(1, b.slot());
            assertThrows(ProcessAttachment.NoFreeSlotException.class,
                    () -> ProcessAttachment.attach(env, layout.toEnvironmentValue(), 1003, BackendType.STANDBY_BACKEND));

            a.becomeClient(5, "postgres", 10, "alice", "app", false, "127.0.0.1", 40000);
            List<BackendStatus> s = b.statusArray().snapshot();
            BackendStatus client = s.stream().filter(x -> x.pid() == 1001).findFirst().orElseThrow();
            assertEquals(BackendType.CLIENT_BACKEND, client.backendType());
            assertEquals("alice", client.roleName());
            assertEquals(BackendStatus.ClientKind.INET4, client.clientKind());
            assertArrayEquals(new byte[]{127, 0, 0, 1}, client.clientAddress());
            assertEquals(40000, client.clientPort());
            assertEquals(BackendType.CLIENT_BACKEND, b.procs().read(0).backendType());

            a.becomeClient(5, "postgres", 10, "alice", null, true, null, 0);
            client = b.statusArray().read(0);
            assertEquals(BackendStatus.ClientKind.UNIX, client.clientKind());
            assertEquals(-1, client.clientPort());
            a.becomeClient(5, "postgres", 10, "alice", null, false, "::1", 5);
            assertEquals(BackendStatus.ClientKind.INET6, b.statusArray().read(0).clientKind());
            assertThrows(IllegalArgumentException.class,
                    () -> a.becomeClient(5, "postgres", 10, "alice", null, false, "example.com", 5));

            a.becomeStandby();
            assertEquals(BackendType.STANDBY_BACKEND, b.statusArray().read(0).backendType());
            a.detach();
            a.detach(); // idempotent
            assertEquals(-1, b.procs().slotOfPid(1001), "slot of 1001 freed");
            ProcessAttachment c = ProcessAttachment.attach(env, layout.toEnvironmentValue(), 1004,
                    BackendType.STANDBY_BACKEND);
            assertEquals(0, c.slot(), "the freed slot is claimed again");
            assertTrue(b.statusArray().snapshot().stream().noneMatch(x -> x.pid() == 1001));

            assertThrows(SegmentValidationException.class, () -> ProcessAttachment.attach(
                    id.nextGeneration().toEnvironmentValue(), layout.toEnvironmentValue(), 1005, BackendType.STANDBY_BACKEND));
            assertThrows(IllegalArgumentException.class,
                    () -> ProcessAttachment.attach(null, layout.toEnvironmentValue(), 1006, BackendType.STANDBY_BACKEND));
        }
    }
}
