package org.pgjava.shmem.segment;

import java.io.IOException;

/**
 * {@link SharedSegment#attach} found a file that is not the segment this process was told to attach: wrong
 * magic number, another header format or layout version, a size or table of contents that does not match
 * the process's {@link RegionLayout}, another creating postmaster, or a stale generation (the postmaster
 * re-created the segment after a crash). The message says which, with both values.
 */
public final class SegmentValidationException extends IOException {
    /** Creates the exception with its full message. */
    public SegmentValidationException(String message) {
        super(message);
    }
}
