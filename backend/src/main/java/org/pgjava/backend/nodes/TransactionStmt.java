package org.pgjava.backend.nodes;

import java.util.List;

/**
 * Transaction control: BEGIN / START TRANSACTION [modes], COMMIT / END [AND [NO] CHAIN],
 * ROLLBACK / ABORT [AND [NO] CHAIN], SAVEPOINT, RELEASE [SAVEPOINT], ROLLBACK TO [SAVEPOINT],
 * PREPARE TRANSACTION, COMMIT PREPARED, ROLLBACK PREPARED.
 *
 * @param kind          which statement
 * @param modes         transaction modes for BEGIN/START, each as "isolation level read committed",
 *                      "read only", "read write", "deferrable", "not deferrable" (lower case, single spaces)
 * @param savepointName the savepoint or GID name, or null
 * @param chain         AND CHAIN
 * @param location      offset of the first keyword
 */
public record TransactionStmt(Kind kind, List<String> modes, String savepointName, boolean chain, int location)
        implements UtilityStatement {
    public enum Kind { BEGIN, START, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK_TO, PREPARE, COMMIT_PREPARED, ROLLBACK_PREPARED }

    @Override
    public String commandTag() {
        return switch (kind) {
            case BEGIN -> "BEGIN";
            case START -> "START TRANSACTION";
            case COMMIT -> "COMMIT";
            case ROLLBACK, ROLLBACK_TO -> "ROLLBACK";
            case SAVEPOINT -> "SAVEPOINT";
            case RELEASE -> "RELEASE";
            case PREPARE -> "PREPARE TRANSACTION";
            case COMMIT_PREPARED -> "COMMIT PREPARED";
            case ROLLBACK_PREPARED -> "ROLLBACK PREPARED";
        };
    }
}
