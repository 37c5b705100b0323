package org.pgjava.backend.nodes;

/** {@code CHECKPOINT}. */
public record CheckpointStmt(int location) implements Node {
}
