package org.pgjava.backend.nodes;

/**
 * A statement that is not planned but executed directly by the traffic cop (tcop/utility), like
 * PostgreSQL's utility statements: SET, SHOW, RESET, BEGIN/COMMIT/ROLLBACK, DISCARD, ...
 */
public interface UtilityStatement extends Node {
    /** The command tag PostgreSQL sends in CommandComplete (e.g. "SET", "BEGIN", "ROLLBACK"). */
    String commandTag();
}
