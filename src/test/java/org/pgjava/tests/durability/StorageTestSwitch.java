package org.pgjava.tests.durability;

/**
 * The one switch for the tests tagged {@code storage} (crash durability, data larger than
 * shared_buffers): they need heap storage, WAL and recovery, so they are skipped until the lead sets
 * {@link #ENABLED} to {@code true}. Before that they run with {@code -Dpgjava.storage.tests=true}.
 *
 * <p>Entry point: {@link #enabled()}, used as
 * {@code @EnabledIf("org.pgjava.tests.durability.StorageTestSwitch#enabled")}.
 */
public final class StorageTestSwitch {
    /** Flip to true once pgjava keeps data (issue 4 merged): the storage tests then run in the default suite. */
    public static final boolean ENABLED = true;

    private StorageTestSwitch() {
    }

    /** Whether the storage tests run: {@link #ENABLED}, or the system property pgjava.storage.tests=true. */
    public static boolean enabled() {
        return ENABLED || Boolean.getBoolean("pgjava.storage.tests");
    }
}
