package org.pgjava.shmem.segment;

import java.nio.file.Path;

/**
 * What a child process needs to attach the segment its postmaster created: the file, the postmaster's
 * pid, and the generation (a number the postmaster increases each time it re-creates the segment after a
 * crash). Entry points: {@link #toEnvironmentValue()} in the postmaster (put it in the child's environment
 * as {@value #ENVIRONMENT_VARIABLE}), {@link #fromEnvironmentValue(String)} in the child, then
 * {@link SharedSegment#attach(SegmentIdentity, RegionLayout)}; {@link #nextGeneration()} for a re-creation.
 *
 * @param file        the segment file
 * @param creatorPid  the creating postmaster's pid
 * @param generation  1 for the first segment of a postmaster, +1 at each re-creation
 */
public record SegmentIdentity(Path file, int creatorPid, long generation) {
    /** Environment variable through which the postmaster hands the identity to its children. */
    public static final String ENVIRONMENT_VARIABLE = "PGJAVA_SHMEM";

    /** The identity of the segment that replaces this one after a crash: same file and pid, generation + 1. */
    public SegmentIdentity nextGeneration() {
        return new SegmentIdentity(file, creatorPid, generation + 1);
    }

    /** {@code generation:pid:path}, parsed back by {@link #fromEnvironmentValue}. */
    public String toEnvironmentValue() {
        return generation + ":" + creatorPid + ":" + file;
    }

    /**
     * Parses {@link #toEnvironmentValue()}'s text.
     *
     * @throws IllegalArgumentException if the text is not of that form
     */
    public static SegmentIdentity fromEnvironmentValue(String value) {
        int a = value.indexOf(':');
        int b = a < 0 ? -1 : value.indexOf(':', a + 1);
        if (b < 0 || b == value.length() - 1) {
            throw new IllegalArgumentException("invalid " + ENVIRONMENT_VARIABLE + " value: \"" + value + "\"");
        }
        try {
            return new SegmentIdentity(Path.of(value.substring(b + 1)), Integer.parseInt(value.substring(a + 1, b)),
                    Long.parseLong(value.substring(0, a)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + ENVIRONMENT_VARIABLE + " value: \"" + value + "\"", e);
        }
    }
}
