package org.pgjava.backend.main;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.pgjava.backend.access.catalog.BootstrapHeapWriter;
import org.pgjava.backend.access.catalog.CatalogTupleCodec;
import org.pgjava.backend.access.catalog.CatalogStorage;
import org.pgjava.backend.access.wal.CheckpointRecord;
import org.pgjava.backend.access.wal.ControlFile;
import org.pgjava.backend.access.wal.DbState;
import org.pgjava.backend.access.wal.RmgrIds;
import org.pgjava.backend.access.wal.WalInserter;
import org.pgjava.backend.access.wal.WalSegments;
import org.pgjava.backend.access.wal.WalSyncMethod;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.storage.smgr.StorageManager;
import org.pgjava.backend.storage.smgr.SyncRequestSink;
import org.pgjava.backend.utils.snapshot.TransactionIds;
import org.pgjava.catalog.authfile.AuthData;
import org.pgjava.catalog.authfile.AuthFile;
import org.pgjava.catalog.authfile.RoleEntry;
import org.pgjava.catalog.bootstrap.BootstrapCatalog;
import org.pgjava.catalog.bootstrap.BootstrapData;
import org.pgjava.catalog.rows.InitdbParameters;
import org.pgjava.catalog.rows.InitdbRows;
import org.pgjava.catalog.rows.RoleRows;
import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.lock.LWLockWaitSlots;
import org.pgjava.shmem.segment.RegionLayout;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;
import org.pgjava.shmem.wal.WalShared;
import org.pgjava.shmem.wal.WalGeometry;

/**
 * The bootstrap-mode process (PostgreSQL's {@code postgres --boot}): composition root of the JVM initdb
 * starts as {@code java ... org.pgjava.backend.main.BootstrapMain -D DIR} after it has written the
 * configuration files and the flat auth file (global/pg_auth). Entry points: {@link #main(String[])} (exit
 * status 0 on success, 1 with {@code bootstrap: error: ...} on stderr otherwise) and {@link #bootstrap}.
 *
 * <p>What it writes, in this order (everything fsynced before pg_control exists, so a crash during
 * initdb leaves no cluster that looks valid):
 * <ol>
 *   <li>every {@link BootstrapCatalog}'s heap file with {@link InitdbRows}' rows (xmin
 *       BootstrapTransactionId, HEAP_XMIN_COMMITTED; see {@link BootstrapHeapWriter}): shared catalogs in
 *       global/, the others in base/1, base/4 and base/5 (template1, template0, postgres);</li>
 *   <li>pg_xact/0000: one zeroed commit-log page (BootStrapCLOG);</li>
 *   <li>pg_wal: the first segment (number 1) holding the shutdown checkpoint record (redo = the record
 *       itself, nextXid 3, nextOid 16384 = FirstNormalObjectId, oldestXid 3);</li>
 *   <li>global/pg_control: state SHUT_DOWN, pointing at that checkpoint.</li>
 * </ol>
 * The WAL record is written through a {@link WalInserter} over a private shared segment (a temporary file
 * holding only the WAL region), removed afterwards.
 */
public final class BootstrapMain {
    /** PostgreSQL's FirstNormalObjectId: the first OID handed out after initdb. */
    public static final long FIRST_NORMAL_OBJECT_ID = 16384;
    /** The databases initdb creates: template1, template0, postgres. */
    public static final List<Integer> DATABASE_OIDS = List.of(1, 4, 5);
    /** pg_database.encoding of every database (6 = UTF8). */
    public static final int UTF8_ENCODING = 6;
    /** wal_segment_size of a cluster initdb creates (16 MiB, as ProcessStorage.Settings.defaults()). */
    public static final long DEFAULT_WAL_SEGMENT_SIZE = 16L << 20;

    private BootstrapMain() {
    }

    /** Runs the bootstrap for {@code -D DIR}; exits 0 on success, 1 after printing the error. */
    public static void main(String[] args) {
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-D") && i + 1 < args.length) {
                dir = Path.of(args[++i]);
            } else if (args[i].startsWith("-D") && args[i].length() > 2) {
                dir = Path.of(args[i].substring(2));
            }
        }
        if (dir == null) {
            System.err.println("bootstrap: error: no data directory specified (-D DIR)");
            System.exit(1);
        }
        try {
            bootstrap(dir, DEFAULT_WAL_SEGMENT_SIZE);
        } catch (Exception | Error e) {
            System.err.println("bootstrap: error: " + e);
            System.exit(1);
        }
        System.exit(0);
    }


    /**
     * Writes the catalogs, pg_xact, the first WAL segment and pg_control into {@code dataDirectory}, which
     * initdb has already populated with its directories and global/pg_auth.
     *
     * @param walSegmentSize the WAL segment size the cluster will run with
     * @throws IOException on any file error (the directory is then not a usable cluster)
     * @throws IllegalStateException if the auth file has no bootstrap superuser (OID 10)
     */
    public static void bootstrap(Path dataDirectory, long walSegmentSize) throws IOException {
        AuthData auth = AuthFile.read(dataDirectory);
        RoleEntry superuser = auth.roleByOid((int) RoleRows.BOOTSTRAP_SUPERUSER_OID)
                .orElseThrow(() -> new IllegalStateException("the auth file has no bootstrap superuser (OID 10)"));
        writeCatalogs(dataDirectory, superuser);
        writeZeroedClogPage(dataDirectory.resolve("pg_xact"));
        long checkpointLsn;
        CheckpointRecord checkpoint;
        Path shmDir = Files.createTempDirectory("pgjava-bootstrap");
        try {
            SegmentIdentity id = new SegmentIdentity(shmDir.resolve("wal.shmem"), (int) ProcessHandle.current().pid(), 1);
            int walBuffers = 8;
            RegionLayout layout = RegionLayout.builder(1)
                    .add("lwlock wait slots", LWLockWaitSlots.regionSize(1))
                    .add("wal", WalShared.regionSize(walBuffers), RegionLayout.PAGE)
                    .build();
            SharedSegment segment = SharedSegment.create(id, layout);
            try {
                LWLockOwner owner = new LWLockOwner(new LWLockWaitSlots(segment.region("lwlock wait slots")), 0);
                WalSegments segments = new WalSegments(dataDirectory.resolve("pg_wal"), walSegmentSize);
                try (WalInserter wal = new WalInserter(new WalShared(segment.region("wal"), walBuffers, owner),
                        segments, WalSyncMethod.FDATASYNC, true, true, 0)) {
                    long start = segments.segmentStart(1);
                    wal.startAfterRecovery(start, 0);
                    checkpointLsn = start + WalGeometry.PAGE_HEADER_SIZE;
                    long now = System.currentTimeMillis() / 1000;
                    checkpoint = CheckpointRecord.of(checkpointLsn, InitdbParameters.FIRST_NORMAL_XID,
                            FIRST_NORMAL_OBJECT_ID, InitdbParameters.FIRST_NORMAL_XID, now);
                    long end = wal.insert(RmgrIds.XLOG, CheckpointRecord.XLOG_CHECKPOINT_SHUTDOWN,
                            TransactionIds.INVALID, List.of(), checkpoint.encode());
                    wal.flush(end);
                }
            } finally {
                segment.close();
                segment.remove();
            }
        } finally {
            deleteTree(shmDir);
        }
        long nowMicros = System.currentTimeMillis() * 1000;
        long systemIdentifier = ((nowMicros / 1_000_000) << 32) | ((nowMicros % 1_000_000) << 12)
                | (ProcessHandle.current().pid() & 0xFFF);
        ControlFile.write(dataDirectory, new ControlFile.Data(systemIdentifier, DbState.SHUT_DOWN,
                checkpoint.time(), checkpointLsn, checkpoint, (int) walSegmentSize, 0));
        for (String sub : List.of("global", "base/1", "base/4", "base/5", "base", "pg_wal", "pg_xact", "")) {
            fsyncDirectory(dataDirectory.resolve(sub));
        }
    }

    /**
     * Writes every bootstrap catalog's heap file (step 1 of the class comment) for a cluster whose bootstrap
     * superuser is {@code superuser}; the files must not exist yet.
     */
    public static void writeCatalogs(Path dataDirectory, RoleEntry superuser) {
        BootstrapData data = BootstrapData.load();
        InitdbRows rows = new InitdbRows(data, new InitdbParameters(superuser, UTF8_ENCODING, 'c', "C", "C",
                InitdbParameters.FIRST_NORMAL_XID));
        try (StorageManager smgr = new StorageManager(dataDirectory, SyncRequestSink.IMMEDIATE)) {
            for (BootstrapCatalog catalog : BootstrapCatalog.values()) {
                CatalogTupleCodec codec = new CatalogTupleCodec(data.shape(catalog));
                List<Object[]> stored = rows.rows(catalog).stream().map(codec::toStored).toList();
                for (RelFileLocator rel : CatalogStorage.locatorsForInitdb(catalog, DATABASE_OIDS)) {
                    BootstrapHeapWriter.write(smgr, rel, codec.descriptor(), stored);
                }
            }
        }
    }

    private static void writeZeroedClogPage(Path pgXact) throws IOException {
        Files.createDirectories(pgXact);
        Path file = pgXact.resolve("0000");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.allocate(8192));
            ch.force(true);
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
