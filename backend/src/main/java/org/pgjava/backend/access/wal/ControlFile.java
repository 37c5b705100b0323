package org.pgjava.backend.access.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * {@code DATA/global/pg_control}: what a starting server needs before it can read anything else — the
 * cluster's identity, its state, where the last checkpoint record is and the checkpoint's contents.
 * PostgreSQL's ControlFileData. Entry points: {@link #read(Path)}, {@link #write(Path, Data)}.
 *
 * <h2>File layout (little-endian; the file is {@value #FILE_SIZE} bytes, the rest zero)</h2>
 * <pre>
 * off size field
 *   0  8  system identifier
 *   8  4  pg_control_version (1300, PostgreSQL 15's)
 *  12  4  catalog_version_no (202209061, PostgreSQL 15's)
 *  16  4  state              {@link DbState} code
 *  20  4  reserved, zero
 *  24  8  time               seconds since the epoch of the last update
 *  32  8  checkPoint         start LSN of the last checkpoint record
 *  40 68  checkPointCopy     that record's main data ({@link CheckpointRecord} layout)
 * 108  4  wal_segment_size
 * 112  4  blcksz (8192)
 * 116  4  xlog_blcksz (8192)
 * 120  8  minRecoveryPoint   (0 in crash recovery)
 * 128  4  crc                CRC-32C over bytes [0, 128)
 * </pre>
 *
 * <p>Atomic update: the new contents are written to {@code global/pg_control.tmp}, fsynced, renamed over
 * {@code pg_control}, and the directory is fsynced. A crash leaves either the old or the new file, never a
 * mix (PostgreSQL instead rewrites the file in place and relies on a 512-byte sector write being atomic).
 * A file whose CRC does not match is refused: "incorrect checksum in control file".
 */
public final class ControlFile {
    public static final int FILE_SIZE = 8192;
    public static final int PG_CONTROL_VERSION = 1300;
    public static final int CATALOG_VERSION_NO = 202209061;
    static final int CRC_OFFSET = 128;

    private ControlFile() {
    }

    /** The contents of pg_control. */
    public record Data(long systemIdentifier, DbState state, long time, long checkPointLsn,
                       CheckpointRecord checkPointCopy, int walSegmentSize, long minRecoveryPoint) {
        /** A copy with another state and time. */
        public Data withState(DbState newState, long newTime) {
            return new Data(systemIdentifier, newState, newTime, checkPointLsn, checkPointCopy, walSegmentSize,
                    minRecoveryPoint);
        }

        /** A copy after a checkpoint whose record starts at {@code lsn}. */
        public Data withCheckpoint(long lsn, CheckpointRecord checkpoint, long newTime) {
            return new Data(systemIdentifier, state, newTime, lsn, checkpoint, walSegmentSize, minRecoveryPoint);
        }
    }

    /** The path of pg_control in data directory {@code dataDirectory}. */
    public static Path path(Path dataDirectory) {
        return dataDirectory.resolve("global").resolve("pg_control");
    }

    /** The file bytes of {@code data}. */
    public static byte[] encode(Data data) {
        ByteBuffer b = ByteBuffer.allocate(FILE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(data.systemIdentifier()).putInt(PG_CONTROL_VERSION).putInt(CATALOG_VERSION_NO)
                .putInt(data.state().code()).putInt(0).putLong(data.time()).putLong(data.checkPointLsn())
                .put(data.checkPointCopy().encode()).putInt(data.walSegmentSize()).putInt(PageLsn.BLOCK_SIZE)
                .putInt(8192).putLong(data.minRecoveryPoint());
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, CRC_OFFSET);
        b.putInt(CRC_OFFSET, (int) crc.getValue());
        return b.array();
    }

    /**
     * Decodes file bytes.
     *
     * @throws IOException "incorrect checksum in control file", or a version mismatch, as PostgreSQL says
     */
    public static Data decode(byte[] bytes) throws IOException {
        if (bytes.length < CRC_OFFSET + 4) {
            throw new IOException("could not read file \"global/pg_control\": read " + bytes.length + " of "
                    + FILE_SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, CRC_OFFSET);
        if ((int) crc.getValue() != b.getInt(CRC_OFFSET)) {
            throw new IOException("incorrect checksum in control file");
        }
        long sysid = b.getLong();
        int version = b.getInt();
        if (version != PG_CONTROL_VERSION) {
            throw new IOException("database files are incompatible with server: the database cluster was "
                    + "initialized with PG_CONTROL_VERSION " + version + ", but the server was compiled with "
                    + "PG_CONTROL_VERSION " + PG_CONTROL_VERSION + ".");
        }
        b.getInt();
        DbState state = DbState.of(b.getInt());
        b.getInt();
        long time = b.getLong();
        long checkPoint = b.getLong();
        byte[] copy = new byte[CheckpointRecord.SIZE];
        b.get(copy);
        int segSize = b.getInt();
        b.getInt();
        b.getInt();
        long minRecoveryPoint = b.getLong();
        return new Data(sysid, state, time, checkPoint, CheckpointRecord.decode(copy), segSize, minRecoveryPoint);
    }

    /**
     * Reads pg_control of {@code dataDirectory}.
     *
     * @throws NoSuchFileException if it does not exist
     * @throws IOException         if it is corrupt (see {@link #decode})
     */
    public static Data read(Path dataDirectory) throws IOException {
        return decode(Files.readAllBytes(path(dataDirectory)));
    }

    /** Replaces pg_control atomically and durably (temp file, fsync, rename, fsync directory). */
    public static void write(Path dataDirectory, Data data) throws IOException {
        Path target = path(dataDirectory);
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("pg_control.tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(encode(data));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
