package org.pgjava.backend.storage.buffer;

/**
 * What one {@link BufferManager#cleanAhead} round did (the background writer's statistics).
 *
 * @param scanned     buffers looked at ahead of the clock hand
 * @param written     dirty, unpinned, unused buffers written
 * @param reusable    buffers found (or made) reusable: unpinned, usage 0, clean
 * @param allocations buffer allocations by all processes since the previous round
 */
public record BgwriterRound(int scanned, int written, int reusable, long allocations) {
}
