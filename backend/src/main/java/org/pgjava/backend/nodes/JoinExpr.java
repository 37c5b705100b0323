package org.pgjava.backend.nodes;

/**
 * A join in FROM: {@code left [INNER|LEFT [OUTER]|CROSS] JOIN right [ON quals]}, like PostgreSQL's JoinExpr.
 * CROSS JOIN is INNER with {@code quals} null.
 *
 * @param location offset of the JOIN keyword phrase
 */
public record JoinExpr(JoinType type, Node left, Node right, ExprNode quals, int location) implements Node {
    /** Join kinds the parser produces. */
    public enum JoinType { INNER, LEFT, RIGHT, FULL }
}
