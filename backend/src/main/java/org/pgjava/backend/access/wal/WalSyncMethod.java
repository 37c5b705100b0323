package org.pgjava.backend.access.wal;

import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * How WAL is made durable: PostgreSQL's {@code wal_sync_method}. {@code fdatasync} (Linux default) and
 * {@code fsync} sync the segment file after writing; {@code open_datasync} / {@code open_sync} open it with
 * O_DSYNC / O_SYNC so every write is durable when it returns. Entry point: {@link #fromSetting(String)}.
 */
public enum WalSyncMethod {
    FDATASYNC("fdatasync"), FSYNC("fsync"), OPEN_DATASYNC("open_datasync"), OPEN_SYNC("open_sync");

    private final String settingValue;

    WalSyncMethod(String settingValue) {
        this.settingValue = settingValue;
    }

    /** The value of wal_sync_method. */
    public String settingValue() {
        return settingValue;
    }

    /** True if writes themselves are synchronous (no separate sync call). */
    public boolean syncsOnWrite() {
        return this == OPEN_DATASYNC || this == OPEN_SYNC;
    }

    /** Extra open options of segment files written with this method. */
    List<OpenOption> openOptions() {
        return switch (this) {
            case OPEN_DATASYNC -> List.of(StandardOpenOption.DSYNC);
            case OPEN_SYNC -> List.of(StandardOpenOption.SYNC);
            default -> List.of();
        };
    }

    /**
     * The method named by a wal_sync_method value.
     *
     * @throws IllegalArgumentException for an unknown or unsupported value (fsync_writethrough)
     */
    public static WalSyncMethod fromSetting(String value) {
        for (WalSyncMethod m : values()) {
            if (m.settingValue.equalsIgnoreCase(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("invalid value for parameter \"wal_sync_method\": \"" + value + "\"");
    }
}
