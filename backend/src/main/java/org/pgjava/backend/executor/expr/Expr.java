package org.pgjava.backend.executor.expr;

import java.util.List;
import org.pgjava.conf.errors.PgException;

/**
 * A compiled, typed expression: built once by the analyzer (types, operators, functions and casts already
 * resolved), immutable, evaluated per row with {@link #eval(ExprContext)}. SQL NULL is Java null. The
 * nested classes are the small evaluator nodes; plans hold trees of them and may share them between
 * concurrent executions.
 */
public abstract class Expr {
    /** Result type OID. */
    public final int type;
    /** Result type modifier, -1 if none. */
    public final int typmod;

    protected Expr(int type, int typmod) {
        this.type = type;
        this.typmod = typmod;
    }

    /** Evaluates the expression. @throws PgException run-time errors (overflow, division by zero, ...) */
    public abstract Object eval(ExprContext c);

    /** True for a constant (used for constant folding and unknown-literal handling). */
    public boolean isConst() {
        return false;
    }

    /**
     * Constant folding at plan time, as PostgreSQL's eval_const_expressions: returns an equivalent tree
     * in which every immutable node whose inputs are all constants has been evaluated (so errors such as
     * division by zero in constant expressions are raised while planning), AND/OR/CASE/COALESCE arms that
     * constants decide are dropped. Never evaluates volatile or stable functions.
     */
    public Expr fold(ExprContext c) {
        return this;
    }

    /** Folds a list of expressions. */
    static List<Expr> foldAll(Expr[] es, ExprContext c) {
        List<Expr> out = new java.util.ArrayList<>(es.length);
        for (Expr e : es) {
            out.add(e.fold(c));
        }
        return out;
    }

    static boolean allConst(List<Expr> es) {
        for (Expr e : es) {
            if (!e.isConst()) {
                return false;
            }
        }
        return true;
    }

    /** A constant holding this expression's value evaluated now. */
    Expr evaluated(ExprContext c) {
        return new Const(type, typmod, eval(c));
    }

    /** A function of one argument (strict: not called for NULL). */
    @FunctionalInterface
    public interface Fn1 {
        Object apply(Object a);
    }

    /** A function of two arguments (strict: not called if either is NULL). */
    @FunctionalInterface
    public interface Fn2 {
        Object apply(Object a, Object b);
    }

    /** A function of any number of arguments, with access to the context. */
    @FunctionalInterface
    public interface FnN {
        Object apply(Object[] args, ExprContext c);
    }

    /** A constant value. */
    public static final class Const extends Expr {
        public final Object value;

        public Const(int type, int typmod, Object value) {
            super(type, typmod);
            this.value = value;
        }

        @Override
        public Object eval(ExprContext c) {
            return value;
        }

        @Override
        public boolean isConst() {
            return true;
        }
    }

    /** $n (index = n - 1). */
    public static final class Param extends Expr {
        private final int index;

        public Param(int type, int index) {
            super(type, -1);
            this.index = index;
        }

        /** The parameter's 0-based index. */
        public int index() {
            return index;
        }

        @Override
        public Object eval(ExprContext c) {
            return c.params()[index];
        }
    }

    /** Strict unary function/operator/cast. */
    public static final class Unary extends Expr {
        private final Fn1 fn;
        private final Expr arg;

        public Unary(int type, int typmod, Fn1 fn, Expr arg) {
            super(type, typmod);
            this.fn = fn;
            this.arg = arg;
        }

        @Override
        public Object eval(ExprContext c) {
            Object a = arg.eval(c);
            return a == null ? null : fn.apply(a);
        }

        @Override
        public Expr fold(ExprContext c) {
            Expr a = arg.fold(c);
            Expr u = a == arg ? this : new Unary(type, typmod, fn, a);
            return a.isConst() ? u.evaluated(c) : u;
        }
    }

    /** Strict binary operator. */
    public static final class Binary extends Expr {
        private final Fn2 fn;
        private final Expr left;
        private final Expr right;

        public Binary(int type, Fn2 fn, Expr left, Expr right) {
            super(type, -1);
            this.fn = fn;
            this.left = left;
            this.right = right;
        }

        @Override
        public Object eval(ExprContext c) {
            Object a = left.eval(c);
            if (a == null) {
                return null;
            }
            Object b = right.eval(c);
            return b == null ? null : fn.apply(a, b);
        }

        @Override
        public Expr fold(ExprContext c) {
            Expr l = left.fold(c);
            Expr r = right.fold(c);
            Expr b = new Binary(type, fn, l, r);
            if (l.isConst() && r.isConst()) {
                return b.evaluated(c);
            }
            // a strict operator with a constant NULL input is NULL
            if ((l.isConst() && l.eval(c) == null) || (r.isConst() && r.eval(c) == null)) {
                return new Const(type, typmod, null);
            }
            return b;
        }
    }

    /** Function of N arguments; strict ones return NULL if any argument is NULL without calling fn. */
    public static final class Call extends Expr {
        private final FnN fn;
        private final Expr[] args;
        private final boolean strict;
        private final boolean immutable;

        /** A stable or volatile call: never folded at plan time. */
        public Call(int type, FnN fn, List<Expr> args, boolean strict) {
            this(type, fn, args, strict, false);
        }

        /** @param immutable true if the result depends only on the arguments (may be folded at plan time) */
        public Call(int type, FnN fn, List<Expr> args, boolean strict, boolean immutable) {
            super(type, -1);
            this.fn = fn;
            this.args = args.toArray(new Expr[0]);
            this.strict = strict;
            this.immutable = immutable;
        }

        @Override
        public Expr fold(ExprContext c) {
            List<Expr> a = foldAll(args, c);
            Expr call = new Call(type, fn, a, strict, immutable);
            return immutable && allConst(a) ? call.evaluated(c) : call;
        }

        @Override
        public Object eval(ExprContext c) {
            Object[] v = new Object[args.length];
            for (int i = 0; i < args.length; i++) {
                v[i] = args[i].eval(c);
                if (v[i] == null && strict) {
                    return null;
                }
            }
            return fn.apply(v, c);
        }
    }

    /**
     * AND / OR with SQL's three-valued logic: one algorithm, differing only in the value that decides the
     * result on its own (FALSE for AND, TRUE for OR). A NULL operand makes the result NULL unless a
     * deciding operand is present. Folding drops constant non-deciding operands.
     */
    public abstract static sealed class BoolConnective extends Expr permits And, Or {
        private final Expr[] args;
        private final Boolean decisive;

        BoolConnective(List<Expr> args, boolean decisive) {
            super(16, -1);
            this.args = args.toArray(new Expr[0]);
            this.decisive = decisive;
        }

        /** The same connective over other operands. */
        abstract BoolConnective with(List<Expr> args);

        @Override
        public Object eval(ExprContext c) {
            boolean sawNull = false;
            for (Expr e : args) {
                Object v = e.eval(c);
                if (v == null) {
                    sawNull = true;
                } else if (v.equals(decisive)) {
                    return decisive;
                }
            }
            return sawNull ? null : !decisive;
        }

        @Override
        public Expr fold(ExprContext c) {
            List<Expr> kept = new java.util.ArrayList<>();
            boolean sawNull = false;
            for (Expr e : args) {
                Expr f = e.fold(c);
                if (f.isConst()) {
                    Object v = f.eval(c);
                    if (v == null) {
                        sawNull = true;
                    } else if (v.equals(decisive)) {
                        return new Const(16, -1, decisive);
                    }
                    continue;
                }
                kept.add(f);
            }
            if (kept.isEmpty()) {
                return new Const(16, -1, sawNull ? null : !decisive);
            }
            if (sawNull) {
                kept.add(new Const(16, -1, null));
            }
            return kept.size() == 1 ? kept.get(0) : with(kept);
        }
    }

    /** AND with three-valued logic. */
    public static final class And extends BoolConnective {
        public And(List<Expr> args) {
            super(args, false);
        }

        @Override
        BoolConnective with(List<Expr> args) {
            return new And(args);
        }
    }

    /** OR with three-valued logic. */
    public static final class Or extends BoolConnective {
        public Or(List<Expr> args) {
            super(args, true);
        }

        @Override
        BoolConnective with(List<Expr> args) {
            return new Or(args);
        }
    }

    /** CASE WHEN c1 THEN r1 ... ELSE d END (conditions already boolean). */
    public static final class Case extends Expr {
        private final Expr[] conds;
        private final Expr[] results;
        private final Expr otherwise;

        public Case(int type, int typmod, List<Expr> conds, List<Expr> results, Expr otherwise) {
            super(type, typmod);
            this.conds = conds.toArray(new Expr[0]);
            this.results = results.toArray(new Expr[0]);
            this.otherwise = otherwise;
        }

        @Override
        public Object eval(ExprContext c) {
            for (int i = 0; i < conds.length; i++) {
                if (conds[i].eval(c) == Boolean.TRUE) {
                    return results[i].eval(c);
                }
            }
            return otherwise == null ? null : otherwise.eval(c);
        }

        @Override
        public Expr fold(ExprContext c) {
            List<Expr> cs = new java.util.ArrayList<>();
            List<Expr> rs = new java.util.ArrayList<>();
            Expr def = null;
            boolean decided = false;
            for (int i = 0; i < conds.length; i++) {
                Expr cond = conds[i].fold(c);
                if (cond.isConst()) {
                    if (cond.eval(c) != Boolean.TRUE) {
                        continue; // arm can never be taken: dropped without folding its result
                    }
                    def = results[i].fold(c);
                    decided = true;
                    break;
                }
                cs.add(cond);
                rs.add(results[i].fold(c));
            }
            if (!decided) {
                def = otherwise == null ? null : otherwise.fold(c);
            }
            if (cs.isEmpty()) {
                return def == null ? new Const(type, typmod, null) : def;
            }
            return new Case(type, typmod, cs, rs, def);
        }
    }

    /** COALESCE: first non-null argument, later ones not evaluated. */
    public static final class Coalesce extends Expr {
        private final Expr[] args;

        public Coalesce(int type, int typmod, List<Expr> args) {
            super(type, typmod);
            this.args = args.toArray(new Expr[0]);
        }

        @Override
        public Expr fold(ExprContext c) {
            List<Expr> kept = new java.util.ArrayList<>();
            for (Expr e : args) {
                Expr f = e.fold(c);
                if (f.isConst()) {
                    if (f.eval(c) == null) {
                        continue;
                    }
                    if (kept.isEmpty()) {
                        return f;
                    }
                    kept.add(f);
                    break;
                }
                kept.add(f);
            }
            if (kept.isEmpty()) {
                return new Const(type, typmod, null);
            }
            return new Coalesce(type, typmod, kept);
        }

        @Override
        public Object eval(ExprContext c) {
            for (Expr e : args) {
                Object v = e.eval(c);
                if (v != null) {
                    return v;
                }
            }
            return null;
        }
    }

    /** GREATEST/LEAST: nulls ignored; compare returns &lt;0, 0, &gt;0. */
    public static final class MinMax extends Expr {
        private final Expr[] args;
        private final java.util.Comparator<Object> cmp;
        private final boolean greatest;

        public MinMax(int type, int typmod, List<Expr> args, java.util.Comparator<Object> cmp, boolean greatest) {
            super(type, typmod);
            this.args = args.toArray(new Expr[0]);
            this.cmp = cmp;
            this.greatest = greatest;
        }

        @Override
        public Expr fold(ExprContext c) {
            List<Expr> a = foldAll(args, c);
            Expr m = new MinMax(type, typmod, a, cmp, greatest);
            return allConst(a) ? m.evaluated(c) : m;
        }

        @Override
        public Object eval(ExprContext c) {
            Object best = null;
            for (Expr e : args) {
                Object v = e.eval(c);
                if (v != null && (best == null || (greatest ? cmp.compare(v, best) > 0 : cmp.compare(v, best) < 0))) {
                    best = v;
                }
            }
            return best;
        }
    }

    /** NULLIF(a, b): null if a = b, else a. */
    public static final class NullIf extends Expr {
        private final Expr left;
        private final Expr right;
        private final Fn2 eq;

        public NullIf(int type, int typmod, Expr left, Expr right, Fn2 eq) {
            super(type, typmod);
            this.left = left;
            this.right = right;
            this.eq = eq;
        }

        @Override
        public Expr fold(ExprContext c) {
            Expr l = left.fold(c);
            Expr r = right.fold(c);
            Expr n = new NullIf(type, typmod, l, r, eq);
            return l.isConst() && r.isConst() ? n.evaluated(c) : n;
        }

        @Override
        public Object eval(ExprContext c) {
            Object a = left.eval(c);
            Object b = right.eval(c);
            if (a != null && b != null && eq.apply(a, b) == Boolean.TRUE) {
                return null;
            }
            return a;
        }
    }

    /** Non-strict one-argument test (IS NULL, IS TRUE, NOT, ...): fn receives null too. */
    public static final class Test extends Expr {
        private final Fn1 fn;
        private final Expr arg;

        public Test(int type, Fn1 fn, Expr arg) {
            super(type, -1);
            this.fn = fn;
            this.arg = arg;
        }

        @Override
        public Expr fold(ExprContext c) {
            Expr a = arg.fold(c);
            Expr t = new Test(type, fn, a);
            return a.isConst() ? t.evaluated(c) : t;
        }

        @Override
        public Object eval(ExprContext c) {
            return fn.apply(arg.eval(c));
        }
    }

    /** IS [NOT] DISTINCT FROM over a strict equality function. */
    public static final class Distinct extends Expr {
        private final Expr left;
        private final Expr right;
        private final Fn2 eq;
        private final boolean not;

        public Distinct(Expr left, Expr right, Fn2 eq, boolean not) {
            super(16, -1);
            this.left = left;
            this.right = right;
            this.eq = eq;
            this.not = not;
        }

        @Override
        public Expr fold(ExprContext c) {
            Expr l = left.fold(c);
            Expr r = right.fold(c);
            Expr d = new Distinct(l, r, eq, not);
            return l.isConst() && r.isConst() ? d.evaluated(c) : d;
        }

        @Override
        public Object eval(ExprContext c) {
            Object a = left.eval(c);
            Object b = right.eval(c);
            boolean distinct;
            if (a == null || b == null) {
                distinct = (a == null) != (b == null);
            } else {
                distinct = eq.apply(a, b) != Boolean.TRUE;
            }
            return distinct != not;
        }
    }

    /** A column of the current input row ({@link ExprContext#row}), by 0-based index into that row. */
    public static final class Var extends Expr {
        private final int index;

        public Var(int type, int typmod, int index) {
            super(type, typmod);
            this.index = index;
        }

        /** The column's index in the input row. */
        public int index() {
            return index;
        }

        @Override
        public Object eval(ExprContext c) {
            return c.row[index];
        }
    }
}
