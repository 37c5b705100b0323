package org.pgjava.backend.nodes;

import java.util.List;

/**
 * Raw (not yet analyzed) expression syntax trees, as PostgreSQL's gram.y builds them (A_Const, ColumnRef,
 * ParamRef, A_Expr, BoolExpr, FuncCall, TypeCast, CaseExpr, NullTest, BooleanTest, ...). Every node
 * carries the 0-based offset of the token PostgreSQL reports errors at ({@link #location()}).
 * The analyzer (parser/analyze) turns these into typed, executable expressions.
 */
public sealed interface ExprNode extends Node {
    /** 0-based offset of the node's reporting token in the query string, or -1. */
    int location();

    /** Literal constant kinds. */
    enum ConstKind { INTEGER, NUMERIC, STRING, BIT_STRING, HEX_STRING, BOOLEAN, NULL }

    /**
     * A literal. {@code value}: INTEGER/NUMERIC the digits (with a leading '-' after negation folding),
     * STRING the string value, BOOLEAN "t"/"f", NULL null.
     */
    record Const(ConstKind kind, String value, int location) implements ExprNode {
    }

    /** A column reference a.b.c; a trailing "*" field stands for a star. */
    record ColumnRef(List<String> fields, int location) implements ExprNode {
    }

    /** $n. */
    record ParamRef(int number, int location) implements ExprNode {
    }

    /** A binary ({@code left != null}) or prefix operator, like A_Expr AEXPR_OP. */
    record Op(String name, ExprNode left, ExprNode right, int location) implements ExprNode {
    }

    /** AND / OR / NOT with any number of arguments (NOT has one). */
    record Bool(BoolOp op, List<ExprNode> args, int location) implements ExprNode {
    }

    /** Boolean connectives. */
    enum BoolOp { AND, OR, NOT }

    /**
     * A function call {@code name(args)}. {@code star} for f(*); {@code distinct} for f(DISTINCT ...).
     * {@code sqlSyntax} marks calls written with SQL-standard syntax that PostgreSQL rewrites into a plain
     * function (SUBSTRING(x FROM y), POSITION(a IN b), TRIM(...)), whose result column is still named after
     * the function.
     */
    record FuncCall(List<String> name, List<ExprNode> args, boolean star, boolean distinct, int location)
            implements ExprNode {
    }

    /**
     * Keyword-syntax value functions without parentheses: current_user, session_user, user, current_role,
     * current_catalog, current_schema, current_date, current_timestamp, ... {@code name} is the keyword;
     * {@code precision} for CURRENT_TIME(p) etc., or -1.
     */
    record SqlValueFunction(String name, int precision, int location) implements ExprNode {
    }

    /** COALESCE, GREATEST, LEAST, NULLIF: keyword functions with their own type rules. */
    record SpecialFunc(String name, List<ExprNode> args, int location) implements ExprNode {
    }

    /** CAST(arg AS type), arg::type, or a typed literal {@code type 'string'}. */
    record TypeCast(ExprNode arg, TypeName type, int location) implements ExprNode {
    }

    /** CASE [arg] WHEN ... THEN ... [ELSE ...] END. */
    record Case(ExprNode arg, List<CaseWhen> whens, ExprNode defaultResult, int location) implements ExprNode {
    }

    /** One WHEN arm. */
    record CaseWhen(ExprNode condition, ExprNode result, int location) {
    }

    /** x IS [NOT] NULL, x ISNULL, x NOTNULL. */
    record NullTest(ExprNode arg, boolean isNot, int location) implements ExprNode {
    }

    /** IS [NOT] TRUE / FALSE / UNKNOWN. */
    record BooleanTest(ExprNode arg, BoolTestKind kind, int location) implements ExprNode {
    }

    /** BooleanTest kinds. */
    enum BoolTestKind { IS_TRUE, IS_NOT_TRUE, IS_FALSE, IS_NOT_FALSE, IS_UNKNOWN, IS_NOT_UNKNOWN }

    /** a IS [NOT] DISTINCT FROM b. */
    record Distinct(ExprNode left, ExprNode right, boolean not, int location) implements ExprNode {
    }

    /** a [NOT] BETWEEN [SYMMETRIC] lo AND hi. */
    record Between(ExprNode arg, ExprNode low, ExprNode high, boolean not, boolean symmetric, int location)
            implements ExprNode {
    }

    /** a [NOT] IN (list). */
    record InList(ExprNode arg, List<ExprNode> list, boolean not, int location) implements ExprNode {
    }

    /**
     * The keyword DEFAULT as an expression: allowed only as a whole INSERT VALUES item or UPDATE SET value;
     * anywhere else the analyzer answers 42601 {@code DEFAULT is not allowed in this context}.
     */
    record SetToDefault(int location) implements ExprNode {
    }

    /** a [NOT] LIKE/ILIKE pattern [ESCAPE e]; {@code escape} null when absent. */
    record Like(ExprNode arg, ExprNode pattern, ExprNode escape, boolean not, boolean caseInsensitive, int location)
            implements ExprNode {
    }
}
