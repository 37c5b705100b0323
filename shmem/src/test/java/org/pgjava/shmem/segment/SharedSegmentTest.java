package org.pgjava.shmem.segment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.*;

/** Region layout, header bytes, attach validation and re-creation of the segment. */
class SharedSegmentTest {
    @TempDir
    Path dir;

    private static RegionLayout layout(int version, long secondSize) {
        return RegionLayout.builder(version).add("alpha", 100).add("beta", secondSize).add("pages", 8192, 4096)
                .build();
    }

    private SegmentIdentity identity(long generation) {
        return new SegmentIdentity(dir.resolve("seg"), 4242, generation);
    }

    @Test
    void layoutPlacesRegionsAlignedAfterTheHeader() {
        RegionLayout l = layout(7, 1000);
        assertEquals(64 + 3 * 64, l.headerSize());
        assertEquals(new RegionLayout.Region("alpha", 256, 100), l.region("alpha"));
        assertEquals(new RegionLayout.Region("beta", 384, 1000), l.region("beta"));
        assertEquals(new RegionLayout.Region("pages", 4096, 8192), l.region("pages"));
        assertEquals(12288, l.totalSize());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.region("gamma"));
        assertEquals("shared memory region \"gamma\" does not exist", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RegionLayout.builder(1).add("a", 1).add("a", 2));
        assertThrows(IllegalArgumentException.class, () -> RegionLayout.builder(1).add("x".repeat(48), 1));
        assertThrows(IllegalArgumentException.class, () -> RegionLayout.builder(1).add("a", 0));
        assertThrows(IllegalArgumentException.class, () -> RegionLayout.builder(1).add("a", 8, 96));
        assertThrows(IllegalArgumentException.class, () -> RegionLayout.builder(1).build());
    }

    @Test
    void headerIsWrittenByteByByte() throws IOException {
        RegionLayout l = layout(7, 1000);
        try (SharedSegment s = SharedSegment.create(identity(3), l)) {
            assertEquals(l.totalSize(), Files.size(dir.resolve("seg")));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("seg"))));
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("seg"))).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals("PGJSHMEM", new String(b.array(), 0, 8, StandardCharsets.US_ASCII));
            assertEquals(1, b.getInt(8));
            assertEquals(7, b.getInt(12));
            assertEquals(l.totalSize(), b.getLong(16));
            assertEquals(4242, b.getInt(24));
            assertEquals(3, b.getInt(28));
            assertEquals(3, b.getLong(32));
            assertTrue(Math.abs(b.getLong(40) - System.currentTimeMillis()) < 60_000);
            assertEquals(s.createdAtMillis(), b.getLong(40));
            assertEquals(256, b.getLong(48));
            assertEquals(0, b.getLong(56));
            assertEquals("alpha", new String(b.array(), 64, 5, StandardCharsets.UTF_8));
            assertEquals(0, b.get(64 + 5));
            assertEquals(256, b.getLong(64 + 48));
            assertEquals(100, b.getLong(64 + 56));
            assertEquals("beta", new String(b.array(), 128, 4, StandardCharsets.UTF_8));
            assertEquals(384, b.getLong(128 + 48));
            assertEquals(1000, b.getLong(128 + 56));
            assertEquals(4096, b.getLong(192 + 48));
            assertEquals(0, s.region("beta").address() % 64);
            assertEquals(0, s.region("pages").address() % 4096);
            assertEquals(8192, s.region("pages").byteSize());
            assertFalse(Files.list(dir).anyMatch(p -> p.getFileName().toString().contains(".new.")));
        }
    }

    @Test
    void attachSeesTheCreatorsMemory() throws IOException {
        RegionLayout l = layout(7, 1000);
        try (SharedSegment created = SharedSegment.create(identity(1), l);
             SharedSegment attached = SharedSegment.attach(identity(1), layout(7, 1000))) {
            created.region("beta").set(ValueLayout.JAVA_LONG, 8, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, attached.region("beta").get(ValueLayout.JAVA_LONG, 8));
            attached.region("alpha").set(ValueLayout.JAVA_INT, 96, 99);
            assertEquals(99, created.region("alpha").get(ValueLayout.JAVA_INT, 96));
            assertThrows(IndexOutOfBoundsException.class, () -> attached.region("alpha").get(ValueLayout.JAVA_INT, 100));
        }
    }

    @Test
    void attachRefusesMismatches() throws IOException {
        RegionLayout l = layout(7, 1000);
        try (SharedSegment ignored = SharedSegment.create(identity(5), l)) {
            String file = dir.resolve("seg").toString();
            assertRefused("shared memory segment \"" + file + "\" has generation 5, expected 4: the postmaster "
                    + "re-created it after a crash; this process belongs to an older generation", identity(4), l);
            assertRefused("shared memory segment \"" + file + "\" has generation 5, expected 6: the file is older "
                    + "than the segment this process was started for", identity(6), l);
            assertRefused("shared memory segment \"" + file + "\" was created by postmaster PID 4242, expected 4243",
                    new SegmentIdentity(dir.resolve("seg"), 4243, 5), l);
            assertRefused("shared memory segment \"" + file + "\" has layout version 7, expected 8: it was created "
                    + "by a different pgjava version", identity(5), layout(8, 1000));
            assertRefused("shared memory segment \"" + file + "\": region \"beta\" is at offset 384 with size 1000, "
                    + "expected offset 384 with size 1008", identity(5), layout(7, 1008));
            assertRefused("shared memory segment \"" + file + "\" has total size 12288 (file 12288 bytes), expected "
                    + "16384", identity(5), layout(7, 5000));
            assertRefused("shared memory segment \"" + file + "\" has region \"alpha\" where \"alpha2\" was expected",
                    identity(5), RegionLayout.builder(7).add("alpha2", 100).add("beta", 1000)
                            .add("pages", 8192, 4096).build());
        }
    }

    @Test
    void attachRefusesAFileThatIsNotASegment() throws IOException {
        RegionLayout l = layout(7, 1000);
        try (SharedSegment ignored = SharedSegment.create(identity(1), l)) {
            try (FileChannel ch = FileChannel.open(dir.resolve("seg"), StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap("NOTASEGM".getBytes(StandardCharsets.US_ASCII)), 0);
            }
            assertRefused("shared memory segment \"" + dir.resolve("seg") + "\" has invalid magic number "
                    + "0x4d47455341544f4e, expected 0x4d454d48534a4750: not a pgjava shared memory segment",
                    identity(1), l);
        }
        Files.write(dir.resolve("small"), new byte[10]);
        SegmentValidationException e = assertThrows(SegmentValidationException.class,
                () -> SharedSegment.attach(new SegmentIdentity(dir.resolve("small"), 4242, 1), l));
        assertEquals("shared memory segment \"" + dir.resolve("small") + "\" is too small (10 bytes) to hold a header",
                e.getMessage());
        assertThrows(NoSuchFileException.class,
                () -> SharedSegment.attach(new SegmentIdentity(dir.resolve("none"), 4242, 1), l));
    }

    private static void assertRefused(String message, SegmentIdentity id, RegionLayout l) {
        SegmentValidationException e = assertThrows(SegmentValidationException.class, () -> SharedSegment.attach(id, l));
        assertEquals(message, e.getMessage());
    }

    @Test
    void recreationReplacesTheFileButOldMappingsKeepTheOldMemory() throws IOException {
        RegionLayout l = layout(7, 1000);
        SegmentIdentity first = identity(1);
        SharedSegment old = SharedSegment.create(first, l);
        SharedSegment oldChild = SharedSegment.attach(first, l);
        oldChild.region("alpha").set(ValueLayout.JAVA_LONG, 0, 77);
        try (SharedSegment fresh = SharedSegment.create(first.nextGeneration(), l)) {
            assertEquals(2, fresh.identity().generation());
            assertEquals(0, fresh.region("alpha").get(ValueLayout.JAVA_LONG, 0), "new segment starts zeroed");
            oldChild.region("alpha").set(ValueLayout.JAVA_LONG, 8, 78);   // a dying old child scribbles
            assertEquals(0, fresh.region("alpha").get(ValueLayout.JAVA_LONG, 8));
            assertEquals(78, old.region("alpha").get(ValueLayout.JAVA_LONG, 8));
            assertThrows(SegmentValidationException.class, () -> SharedSegment.attach(first, l));
            try (SharedSegment newChild = SharedSegment.attach(first.nextGeneration(), l)) {
                fresh.region("beta").set(ValueLayout.JAVA_LONG, 0, 5);
                assertEquals(5, newChild.region("beta").get(ValueLayout.JAVA_LONG, 0));
            }
            fresh.remove();
            assertFalse(Files.exists(dir.resolve("seg")));
            assertEquals(5, fresh.region("beta").get(ValueLayout.JAVA_LONG, 0), "mapping outlives the file");
        } finally {
            oldChild.close();
            old.close();
        }
        MemorySegment closed = old.region("alpha");
        assertThrows(IllegalStateException.class, () -> closed.get(ValueLayout.JAVA_LONG, 0));
    }

    @Test
    void identityTravelsThroughTheEnvironment() {
        SegmentIdentity id = new SegmentIdentity(Path.of("/dev/shm/pgjava.5432:x"), 123, 9);
        assertEquals(id, SegmentIdentity.fromEnvironmentValue(id.toEnvironmentValue()));
        assertEquals("9:123:/dev/shm/pgjava.5432:x", id.toEnvironmentValue());
        assertThrows(IllegalArgumentException.class, () -> SegmentIdentity.fromEnvironmentValue("9:123"));
        assertThrows(IllegalArgumentException.class, () -> SegmentIdentity.fromEnvironmentValue("x:1:/a"));
    }
}
