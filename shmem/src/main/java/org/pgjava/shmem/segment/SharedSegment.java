package org.pgjava.shmem.segment;

import org.pgjava.shmem.atomic.SharedAtomics;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * The shared memory segment: one file that the postmaster creates and every child process maps, laid out
 * by a {@link RegionLayout}. Entry points: {@link #create} (postmaster, at start and after each crash),
 * {@link #attach} (every child), {@link #region(String)} (a region's memory), {@link #close()} (unmap),
 * {@link #remove()} (postmaster, at shutdown).
 *
 * <p>The memory is an FFM {@link MemorySegment} mapped from the file with {@link FileChannel#map(
 * FileChannel.MapMode, long, long, Arena)} in a shared {@link Arena}: any size (beyond 2 GiB), usable from
 * every thread, unmapped when {@link #close()} closes the arena. The file lives in the data directory or in
 * {@code /dev/shm} (tmpfs: no disk I/O). {@link #create} writes every byte of it once (zeros), so the pages
 * exist before anyone maps them: a full tmpfs fails there with an {@link IOException} instead of a SIGBUS
 * later. All regions start zeroed; every shared structure in pgjava is designed so that all-zero bytes are
 * its valid initial state (an unlocked lock, an empty queue, a free slot).
 *
 * <h2>Header, byte by byte</h2>
 * Native byte order (little-endian on x86_64 and aarch64, the only platforms pgjava runs on). Written once
 * by the creator before the file gets its final name; read-only afterwards.
 * <pre>
 * offset size field
 *      0    8 magic: the bytes "PGJSHMEM" ({@link #MAGIC} read as a little-endian long); written last
 *      8    4 header format version ({@value #HEADER_FORMAT_VERSION}): the layout of this header
 *     12    4 layout version: {@link RegionLayout#layoutVersion()}, the layout of the regions' contents
 *     16    8 total size of the file in bytes
 *     24    4 pid of the creating postmaster
 *     28    4 region count R
 *     32    8 generation: 1 for a postmaster's first segment, +1 at each re-creation after a crash
 *     40    8 creation time, milliseconds since 1970-01-01 UTC
 *     48    8 header size in bytes (64 + 64 × R rounded up to 64): the first region starts at or after it
 *     56    8 reserved, zero
 *     64  64×R table of contents, one entry per region in offset order:
 *              +0  48 name, UTF-8, NUL-padded (at most 47 bytes, so at least one NUL)
 *              +48  8 offset of the region from the start of the file (a multiple of 64)
 *              +56  8 size of the region in bytes
 * </pre>
 *
 * <h2>Re-creation after a crash</h2>
 * {@link #create} builds the new segment in a temporary file next to the final one and renames it over the
 * old file only when the header is complete. A process of the old generation that is still dying keeps its
 * mapping of the old (now unlinked) file and cannot scribble on the new one; a child that attaches reads a
 * complete header or none. The generation in the header lets a child that was started for the old
 * segment, but attaches late, refuse the new one ({@link SegmentValidationException}).
 *
 * <p>Process-safety: the object is immutable after construction and may be shared by threads; what the
 * regions hold is guarded by the locks each structure documents.
 */
public final class SharedSegment implements AutoCloseable {
    /** "PGJSHMEM" as a little-endian long. */
    public static final long MAGIC = 0x4D454D48534A4750L;
    /** Version of the header layout above. */
    public static final int HEADER_FORMAT_VERSION = 1;
    /** Bytes before the table of contents. */
    public static final int HEADER_FIXED_SIZE = 64;
    /** Bytes per table-of-contents entry. */
    public static final int TOC_ENTRY_SIZE = 64;

    static final long OFF_MAGIC = 0;
    static final long OFF_HEADER_VERSION = 8;
    static final long OFF_LAYOUT_VERSION = 12;
    static final long OFF_TOTAL_SIZE = 16;
    static final long OFF_CREATOR_PID = 24;
    static final long OFF_REGION_COUNT = 28;
    static final long OFF_GENERATION = 32;
    static final long OFF_CREATED_AT = 40;
    static final long OFF_HEADER_SIZE = 48;
    static final int TOC_NAME_SIZE = 48;

    private final SegmentIdentity identity;
    private final RegionLayout layout;
    private final Arena arena;
    private final MemorySegment memory;
    private final Map<String, MemorySegment> regions = new HashMap<>();

    private SharedSegment(SegmentIdentity identity, RegionLayout layout, Arena arena, MemorySegment memory) {
        this.identity = identity;
        this.layout = layout;
        this.arena = arena;
        this.memory = memory;
        for (RegionLayout.Region r : layout.regions()) {
            regions.put(r.name(), memory.asSlice(r.offset(), r.size()));
        }
    }

    /**
     * Creates the segment file described by {@code identity} with {@code layout}, zero-filled, header
     * written, and maps it. An existing file at that path (a previous generation) is replaced atomically;
     * processes still mapping it keep the old memory.
     *
     * @return the mapped segment; the caller owns it (close it, and {@link #remove()} it at shutdown)
     * @throws IOException if the directory is missing or the file cannot be created, filled (a full
     *                     tmpfs: ENOSPC) or mapped; no file is left behind then
     */
    public static SharedSegment create(SegmentIdentity identity, RegionLayout layout) throws IOException {
        Path file = identity.file();
        Path temporary = file.resolveSibling(file.getFileName() + ".new." + ProcessHandle.current().pid());
        Files.deleteIfExists(temporary);
        long size = layout.totalSize();
        Arena arena = Arena.ofShared();
        boolean done = false;
        try (FileChannel channel = FileChannel.open(temporary, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.READ, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(size, 1 << 20));
            for (long position = 0; position < size; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), size - position));
                position += channel.write(zeros, position);
            }
            MemorySegment memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            writeHeader(memory, identity, layout);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
            return new SharedSegment(identity, layout, arena, memory);
        } finally {
            if (!done) {
                arena.close();
                Files.deleteIfExists(temporary);
            }
        }
    }

    private static void writeHeader(MemorySegment m, SegmentIdentity identity, RegionLayout layout) {
        m.set(ValueLayout.JAVA_INT, OFF_HEADER_VERSION, HEADER_FORMAT_VERSION);
        m.set(ValueLayout.JAVA_INT, OFF_LAYOUT_VERSION, layout.layoutVersion());
        m.set(ValueLayout.JAVA_LONG, OFF_TOTAL_SIZE, layout.totalSize());
        m.set(ValueLayout.JAVA_INT, OFF_CREATOR_PID, identity.creatorPid());
        m.set(ValueLayout.JAVA_INT, OFF_REGION_COUNT, layout.regions().size());
        m.set(ValueLayout.JAVA_LONG, OFF_GENERATION, identity.generation());
        m.set(ValueLayout.JAVA_LONG, OFF_CREATED_AT, System.currentTimeMillis());
        m.set(ValueLayout.JAVA_LONG, OFF_HEADER_SIZE, layout.headerSize());
        long entry = HEADER_FIXED_SIZE;
        for (RegionLayout.Region r : layout.regions()) {
            byte[] name = r.name().getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(name, 0, m, ValueLayout.JAVA_BYTE, entry, name.length);
            m.set(ValueLayout.JAVA_LONG, entry + TOC_NAME_SIZE, r.offset());
            m.set(ValueLayout.JAVA_LONG, entry + TOC_NAME_SIZE + 8, r.size());
            entry += TOC_ENTRY_SIZE;
        }
        SharedAtomics.setLongRelease(m, OFF_MAGIC, MAGIC);
    }

    /**
     * Maps the existing segment file named by {@code identity} after checking its header against what
     * this process expects: magic, header format version, {@code layout}'s version, total size (header and
     * file), the creating postmaster's pid, the generation, and the table of contents (every region of
     * {@code layout} present under its name with the same offset and size, and no other region).
     *
     * @return the mapped segment; the caller owns it and closes it when the process ends
     * @throws NoSuchFileException if there is no such file
     * @throws SegmentValidationException if any check fails (the message names the field and both values);
     *                                    nothing stays mapped then
     * @throws IOException if the file cannot be opened or mapped
     */
    public static SharedSegment attach(SegmentIdentity identity, RegionLayout layout) throws IOException {
        Path file = identity.file();
        Arena arena = Arena.ofShared();
        boolean done = false;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long fileSize = channel.size();
            if (fileSize < HEADER_FIXED_SIZE) {
                throw new SegmentValidationException("shared memory segment \"" + file + "\" is too small ("
                        + fileSize + " bytes) to hold a header");
            }
            MemorySegment memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, fileSize, arena);
            validate(memory, fileSize, identity, layout);
            done = true;
            return new SharedSegment(identity, layout, arena, memory);
        } finally {
            if (!done) {
                arena.close();
            }
        }
    }

    private static void validate(MemorySegment m, long fileSize, SegmentIdentity identity, RegionLayout layout)
            throws SegmentValidationException {
        String what = "shared memory segment \"" + identity.file() + "\"";
        long magic = SharedAtomics.getLongAcquire(m, OFF_MAGIC);
        if (magic != MAGIC) {
            throw new SegmentValidationException(what + " has invalid magic number 0x" + Long.toHexString(magic)
                    + ", expected 0x" + Long.toHexString(MAGIC) + ": not a pgjava shared memory segment");
        }
        int headerVersion = m.get(ValueLayout.JAVA_INT, OFF_HEADER_VERSION);
        if (headerVersion != HEADER_FORMAT_VERSION) {
            throw new SegmentValidationException(what + " has header format version " + headerVersion
                    + ", expected " + HEADER_FORMAT_VERSION);
        }
        int layoutVersion = m.get(ValueLayout.JAVA_INT, OFF_LAYOUT_VERSION);
        if (layoutVersion != layout.layoutVersion()) {
            throw new SegmentValidationException(what + " has layout version " + layoutVersion + ", expected "
                    + layout.layoutVersion() + ": it was created by a different pgjava version");
        }
        long totalSize = m.get(ValueLayout.JAVA_LONG, OFF_TOTAL_SIZE);
        if (totalSize != layout.totalSize() || fileSize != totalSize) {
            throw new SegmentValidationException(what + " has total size " + totalSize + " (file " + fileSize
                    + " bytes), expected " + layout.totalSize());
        }
        int pid = m.get(ValueLayout.JAVA_INT, OFF_CREATOR_PID);
        if (pid != identity.creatorPid()) {
            throw new SegmentValidationException(what + " was created by postmaster PID " + pid + ", expected "
                    + identity.creatorPid());
        }
        long generation = m.get(ValueLayout.JAVA_LONG, OFF_GENERATION);
        if (generation != identity.generation()) {
            throw new SegmentValidationException(what + " has generation " + generation + ", expected "
                    + identity.generation() + (generation > identity.generation()
                    ? ": the postmaster re-created it after a crash; this process belongs to an older generation"
                    : ": the file is older than the segment this process was started for"));
        }
        int count = m.get(ValueLayout.JAVA_INT, OFF_REGION_COUNT);
        if (count != layout.regions().size()
                || m.get(ValueLayout.JAVA_LONG, OFF_HEADER_SIZE) != layout.headerSize()) {
            throw new SegmentValidationException(what + " has " + count + " regions, expected "
                    + layout.regions().size());
        }
        long entry = HEADER_FIXED_SIZE;
        for (RegionLayout.Region r : layout.regions()) {
            String name = readName(m, entry);
            long offset = m.get(ValueLayout.JAVA_LONG, entry + TOC_NAME_SIZE);
            long size = m.get(ValueLayout.JAVA_LONG, entry + TOC_NAME_SIZE + 8);
            if (!name.equals(r.name())) {
                throw new SegmentValidationException(what + " has region \"" + name + "\" where \"" + r.name()
                        + "\" was expected");
            }
            if (offset != r.offset() || size != r.size()) {
                throw new SegmentValidationException(what + ": region \"" + name + "\" is at offset " + offset
                        + " with size " + size + ", expected offset " + r.offset() + " with size " + r.size());
            }
            entry += TOC_ENTRY_SIZE;
        }
    }

    private static String readName(MemorySegment m, long entry) {
        int length = 0;
        while (length < TOC_NAME_SIZE && m.get(ValueLayout.JAVA_BYTE, entry + length) != 0) {
            length++;
        }
        byte[] bytes = new byte[length];
        MemorySegment.copy(m, ValueLayout.JAVA_BYTE, entry, bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The memory of the region called {@code name}: a slice of exactly its size, 64-byte aligned in the
     * address space. The same object is returned on every call.
     *
     * @throws IllegalArgumentException if the layout has no such region
     */
    public MemorySegment region(String name) {
        MemorySegment r = regions.get(name);
        if (r == null) {
            throw new IllegalArgumentException("shared memory region \"" + name + "\" does not exist");
        }
        return r;
    }

    /** The whole mapping, header included. */
    public MemorySegment memory() {
        return memory;
    }

    /** Which segment this is (file, creator pid, generation). */
    public SegmentIdentity identity() {
        return identity;
    }

    /** The layout the segment was created or attached with. */
    public RegionLayout layout() {
        return layout;
    }

    /** The creation time stored in the header, in milliseconds since the epoch. */
    public long createdAtMillis() {
        return memory.get(ValueLayout.JAVA_LONG, OFF_CREATED_AT);
    }

    /**
     * Deletes the segment file (the postmaster at shutdown, before or after {@link #close()}). Mappings
     * stay valid until each process closes its own.
     *
     * @throws IOException if the file exists but cannot be deleted
     */
    public void remove() throws IOException {
        Files.deleteIfExists(identity.file());
    }

    /**
     * Unmaps the segment in this process. Any later access through {@link #region} slices or views built
     * on them throws {@link IllegalStateException}. Call it only when no thread uses the segment any more.
     */
    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return "SharedSegment(" + identity.file() + ", generation " + identity.generation() + ", "
                + layout.totalSize() + " bytes)";
    }
}
