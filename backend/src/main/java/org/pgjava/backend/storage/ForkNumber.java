package org.pgjava.backend.storage;

/**
 * The forks of a relation, PostgreSQL's ForkNumber: the main data fork and the free-space map, visibility
 * map and init forks (file suffixes {@code _fsm}, {@code _vm}, {@code _init}). The ordinal is the number
 * stored in buffer tags and WAL block references.
 */
public enum ForkNumber {
    MAIN(""), FSM("_fsm"), VISIBILITY_MAP("_vm"), INIT("_init");

    private final String fileSuffix;

    ForkNumber(String fileSuffix) {
        this.fileSuffix = fileSuffix;
    }

    /** The suffix appended to the relation's file name ("" for the main fork). */
    public String fileSuffix() {
        return fileSuffix;
    }

    /**
     * The fork with this number.
     *
     * @throws IllegalArgumentException for a number that is not a fork
     */
    public static ForkNumber of(int number) {
        ForkNumber[] all = values();
        if (number < 0 || number >= all.length) {
            throw new IllegalArgumentException("invalid fork number " + number);
        }
        return all[number];
    }
}
