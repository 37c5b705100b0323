package org.pgjava.shmem.wal;

/**
 * What the buffer manager needs from the WAL: before it writes a dirty page whose LSN is {@code lsn}, WAL up
 * to that LSN must be durable (the write-ahead rule, PostgreSQL's XLogFlush in FlushBuffer). Lives in shmem
 * so storage code can depend on it without depending on access/wal; {@code WalInserter} implements it.
 */
@FunctionalInterface
public interface WalFlusher {
    /**
     * Returns once WAL below {@code lsn} is durable (or fsync is off and it is written).
     * A failed sync throws an unchecked error that must end in PANIC.
     */
    void flush(long lsn);
}
