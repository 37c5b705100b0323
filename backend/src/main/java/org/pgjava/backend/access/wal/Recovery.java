package org.pgjava.backend.access.wal;

import org.pgjava.shmem.wal.WalGeometry;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * The redo driver: replays WAL from a checkpoint's redo LSN to the end of valid WAL (PostgreSQL's
 * PerformWalRecovery loop with XLogReadBufferForRedo's rules). Entry point: {@link #replay}.
 *
 * <p>For each record, for each block reference in block-id order:
 * <ol>
 * <li>with a full-page image: the page is overwritten with the image, its LSN set to the record's end LSN,
 *     marked dirty; the handler is NOT called for that block (BLK_RESTORED);</li>
 * <li>else if the page LSN ≥ the record's end LSN, the change is already on the page: skipped (BLK_DONE);</li>
 * <li>else the handler's {@link RedoHandler#redoBlock} applies it, then the driver sets the page LSN to the
 *     record's end LSN and marks it dirty (BLK_NEEDS_REDO).</li>
 * </ol>
 * then the handler's {@link RedoHandler#redoRecord} runs once. A record whose rmid has no handler stops
 * recovery with an error (PostgreSQL: PANIC "rmgr N not found"), as does any exception of a handler.
 *
 * <p>Replay ends at the first invalid record ({@link WalReader}); the result carries its end LSN (where
 * inserting continues: {@link WalInserter#startAfterRecovery}) and PostgreSQL's log lines.
 */
public final class Recovery {
    private Recovery() {
    }

    /** What a replay did. */
    public record Result(long redoStartLsn, long endOfWal, long lastRecordLsn, long records, long imagesRestored,
                         long blocksApplied, long blocksSkipped, String stopReason) {
        /** PostgreSQL's "redo starts at 0/…" line. */
        public String startMessage() {
            return "redo starts at " + WalGeometry.formatLsn(redoStartLsn);
        }

        /** PostgreSQL's "redo done at 0/…" line (the start of the last record replayed), or null if none was. */
        public String doneMessage() {
            return records == 0 ? null : "redo done at " + WalGeometry.formatLsn(lastRecordLsn);
        }
    }

    /**
     * Replays every valid record from {@code redoLsn} on.
     *
     * @param segments  the WAL files
     * @param redoLsn   start LSN of the first record to replay (the checkpoint's redo LSN)
     * @param handlers  redo handler by rmid
     * @param blocks    page access
     * @throws IllegalStateException if a record's rmid has no handler
     */
    public static Result replay(WalSegments segments, long redoLsn, Map<Integer, RedoHandler> handlers,
                                RedoBlockAccess blocks) {
        long records = 0, restored = 0, applied = 0, skipped = 0;
        try (WalReader reader = new WalReader(segments, redoLsn)) {
            WalRecord record;
            while ((record = reader.next()) != null) {
                RedoHandler handler = handlers.get(record.rmid());
                if (handler == null) {
                    throw new IllegalStateException("rmgr " + record.rmid() + " not found (record at "
                            + WalGeometry.formatLsn(record.lsn()) + ")");
                }
                for (DecodedBlock block : record.blocks()) {
                    try (RedoBlockAccess.RedoPage page = blocks.open(block.locator(), block.fork(), block.blockNumber(),
                            block.hasImage() || block.willInit())) {
                        MemorySegment p = page.page();
                        if (block.hasImage()) {
                            MemorySegment.copy(MemorySegment.ofArray(block.image()), 0, p, 0, PageLsn.BLOCK_SIZE);
                            PageLsn.set(p, record.endLsn());
                            page.markDirty();
                            restored++;
                        } else if (!block.willInit() && PageLsn.get(p) >= record.endLsn()) {
                            skipped++;
                        } else {
                            handler.redoBlock(record, block, p);
                            PageLsn.set(p, record.endLsn());
                            page.markDirty();
                            applied++;
                        }
                    }
                }
                handler.redoRecord(record);
                records++;
            }
            return new Result(redoLsn, reader.endOfWal(), reader.lastRecordLsn(), records, restored, applied, skipped,
                    reader.endReason());
        }
    }
}
