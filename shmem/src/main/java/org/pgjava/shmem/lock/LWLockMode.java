package org.pgjava.shmem.lock;

/** How an {@link LWLock} is held: by one process alone, or together with other shared holders. */
public enum LWLockMode {
    /** One holder; excludes every other holder. Stored as 1 in a wait slot. */
    EXCLUSIVE(1),
    /** Any number of shared holders; excludes an exclusive holder. Stored as 2 in a wait slot. */
    SHARED(2);

    final int code;

    LWLockMode(int code) {
        this.code = code;
    }
}
