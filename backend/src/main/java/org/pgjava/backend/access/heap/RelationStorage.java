package org.pgjava.backend.access.heap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.pgjava.backend.access.transam.TransactionManager;
import org.pgjava.backend.access.wal.WalPanicError;
import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;

/**
 * Creating and dropping a relation's files inside a transaction (PostgreSQL's catalog/storage.c):
 * {@link #create} makes the main fork, WAL-logs it (rmid SMGR = 2, info XLOG_SMGR_CREATE 0x10) so redo
 * recreates the file, and registers the files for deletion if the transaction aborts; {@link #drop}
 * registers them for deletion when it commits (the commit record lists them, so redo deletes them too).
 *
 * <p>SMGR create main data (little-endian): {@code 0 u32 spcOid, 4 u32 dbOid, 8 u32 relNumber, 12 u32 fork}.
 */
public final class RelationStorage {
    /** Resource manager of storage records (RM_SMGR_ID). */
    public static final int RM_SMGR = 2;
    /** Info of the create record (XLOG_SMGR_CREATE). */
    public static final int XLOG_SMGR_CREATE = 0x10;

    private RelationStorage() {
    }

    /** A decoded SMGR create record. */
    public record CreateRecord(RelFileLocator locator, ForkNumber fork) {
        /** The main data bytes. */
        public byte[] encode() {
            return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(locator.spcOid())
                    .putInt(locator.dbOid()).putInt(locator.relNumber()).putInt(fork.ordinal()).array();
        }

        /** Decodes the main data of a create record. */
        public static CreateRecord decode(byte[] data) {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            RelFileLocator rel = new RelFileLocator(b.getInt(), b.getInt(), b.getInt());
            return new CreateRecord(rel, ForkNumber.values()[b.getInt()]);
        }
    }

    /**
     * RelationCreateStorage: creates the (empty) main fork of {@code rel}, logs its creation, and deletes the
     * files again if the current (sub)transaction aborts. Needs an open transaction.
     */
    public static void create(TransactionManager tm, RelFileLocator rel) {
        var storage = tm.storage();
        storage.smgr().create(rel, ForkNumber.MAIN, false);
        tm.registerPendingDelete(rel, false);
        CreateRecord rec = new CreateRecord(rel, ForkNumber.MAIN);
        try {
            storage.wal().insert(RM_SMGR, XLOG_SMGR_CREATE, 0, List.of(), rec.encode());
        } catch (WalPanicError e) {
            throw storage.panic(e);
        } catch (RuntimeException e) {
            throw storage.panic(new WalPanicError("cannot log relation creation: " + e.getMessage(), e));
        }
    }

    /** RelationDropStorage: deletes {@code rel}'s files when the current transaction commits. */
    public static void drop(TransactionManager tm, RelFileLocator rel) {
        tm.registerPendingDelete(rel, true);
    }
}
