package org.pgjava.backend.nodes;

/**
 * SHOW name / SHOW ALL. {@code SHOW TIME ZONE} becomes name "timezone", {@code SHOW TRANSACTION
 * ISOLATION LEVEL} becomes "transaction_isolation", {@code SHOW SESSION AUTHORIZATION} becomes
 * "session_authorization"; {@code SHOW ALL} has name "all".
 */
public record VariableShowStmt(String name, int location) implements UtilityStatement {
    @Override
    public String commandTag() {
        return "SHOW";
    }
}
