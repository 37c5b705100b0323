package org.pgjava.backend.nodes;

import java.util.List;

/**
 * SELECT / VALUES / set operations, like PostgreSQL's SelectStmt. A leaf has either a target list
 * ({@code valuesLists} null) or VALUES rows ({@code valuesLists} non-null, all other clauses empty); a set
 * operation has {@code setOp} != NONE with {@code left}/{@code right}. ORDER BY / LIMIT / OFFSET belong to
 * the node they were written on.
 *
 * @param distinct null, or the DISTINCT [ON (...)] list (empty for plain DISTINCT)
 */
public record SelectStmt(List<ResTarget> targetList, List<Node> fromClause, ExprNode whereClause,
                         List<ExprNode> groupBy, ExprNode having, List<SortBy> orderBy, ExprNode limit,
                         ExprNode offset, List<List<ExprNode>> valuesLists, List<ExprNode> distinct,
                         SetOp setOp, boolean all, SelectStmt left, SelectStmt right, int location)
        implements Node {

    /** Set operation kinds. */
    public enum SetOp { NONE, UNION, INTERSECT, EXCEPT }

    /** The same statement with ORDER BY / LIMIT / OFFSET replaced. */
    public SelectStmt withSortLimit(List<SortBy> order, ExprNode lim, ExprNode off) {
        return new SelectStmt(targetList, fromClause, whereClause, groupBy, having, order, lim, off, valuesLists,
                distinct, setOp, all, left, right, location);
    }
}
