package org.pgjava.backend.nodes;

/** DISCARD ALL | PLANS | SEQUENCES | TEMP | TEMPORARY. */
public record DiscardStmt(Target target, int location) implements UtilityStatement {
    public enum Target { ALL, PLANS, SEQUENCES, TEMP }

    @Override
    public String commandTag() {
        return "DISCARD " + target.name();
    }
}
