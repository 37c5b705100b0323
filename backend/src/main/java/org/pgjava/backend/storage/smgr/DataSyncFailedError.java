package org.pgjava.backend.storage.smgr;

/**
 * An fsync (or fdatasync) of a data file failed. After a failed fsync the kernel may have dropped the dirty
 * pages and will report success next time, so the only safe reaction is PostgreSQL's: PANIC, crash-restart,
 * and replay WAL from the last checkpoint. Never catch this to retry. It is an {@link Error} so that
 * ordinary {@code catch (RuntimeException)} blocks of the executor do not turn it into an ERROR; the
 * process's top level must turn it into a PANIC (log, exit with a crash status).
 *
 * <p>Message as PostgreSQL's: {@code could not fsync file "base/5/16384": Input/output error}.
 */
public final class DataSyncFailedError extends Error {
    private final String path;

    /**
     * @param path  the file, relative to the data directory
     * @param cause the I/O failure
     */
    public DataSyncFailedError(String path, Throwable cause) {
        super("could not fsync file \"" + path + "\": " + StorageManager.errorText(cause), cause);
        this.path = path;
    }

    /** The file whose fsync failed, relative to the data directory. */
    public String path() {
        return path;
    }
}
