package org.pgjava.backend.optimizer.analyze;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's candidate selection for overloaded operators and functions (parse_func.c
 * func_select_candidate, parse_oper.c binary_oper_exact): exact match (an unknown argument of a binary
 * operator assumed to be the other side's type), then implicit coercibility, most exact matches, most
 * preferred types, unknown arguments resolved by category (string category wins), and finally unknowns
 * assumed to be the common known type.
 */
final class Resolver {
    private Resolver() {
    }

    /** Result: the chosen index, or -1 none, or -2 ambiguous. */
    static int select(List<int[]> cands, int[] actual, boolean binaryOperator) {
        int nargs = actual.length;
        // exact match
        for (int i = 0; i < cands.size(); i++) {
            if (java.util.Arrays.equals(cands.get(i), actual)) {
                return i;
            }
        }
        if (binaryOperator && nargs == 2) {
            int[] guess = null;
            if (actual[0] == Types.UNKNOWN && actual[1] != Types.UNKNOWN) {
                guess = new int[] {actual[1], actual[1]};
            } else if (actual[1] == Types.UNKNOWN && actual[0] != Types.UNKNOWN) {
                guess = new int[] {actual[0], actual[0]};
            }
            if (guess != null) {
                for (int i = 0; i < cands.size(); i++) {
                    if (java.util.Arrays.equals(cands.get(i), guess)) {
                        return i;
                    }
                }
            }
        }
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < cands.size(); i++) {
            if (coercible(actual, cands.get(i))) {
                live.add(i);
            }
        }
        if (live.size() <= 1) {
            return live.isEmpty() ? -1 : live.get(0);
        }
        // most exact matches
        live = keepMax(live, cands, (c) -> {
            int k = 0;
            for (int j = 0; j < nargs; j++) {
                if (actual[j] != Types.UNKNOWN && c[j] == actual[j]) {
                    k++;
                }
            }
            return k;
        });
        if (live.size() == 1) {
            return live.get(0);
        }
        // most preferred types where coercion is needed
        live = keepMax(live, cands, (c) -> {
            int k = 0;
            for (int j = 0; j < nargs; j++) {
                if (actual[j] != Types.UNKNOWN && (c[j] == actual[j] || Types.isPreferred(c[j]))) {
                    k++;
                }
            }
            return k;
        });
        if (live.size() == 1) {
            return live.get(0);
        }
        // unknown arguments: choose by category
        boolean anyUnknown = false;
        for (int j = 0; j < nargs; j++) {
            if (actual[j] != Types.UNKNOWN) {
                continue;
            }
            anyUnknown = true;
            char cat = 0;
            boolean conflict = false;
            boolean stringSeen = false;
            for (int i : live) {
                char cc = Types.category(cands.get(i)[j]);
                if (cc == 'S') {
                    stringSeen = true;
                }
                if (cat == 0) {
                    cat = cc;
                } else if (cat != cc) {
                    conflict = true;
                }
            }
            if (stringSeen) {
                cat = 'S';
            } else if (conflict) {
                return -2;
            }
            final char want = cat;
            final int pos = j;
            List<Integer> next = new ArrayList<>();
            for (int i : live) {
                if (Types.category(cands.get(i)[pos]) == want) {
                    next.add(i);
                }
            }
            live = next;
            List<Integer> pref = new ArrayList<>();
            for (int i : live) {
                if (Types.isPreferred(cands.get(i)[pos])) {
                    pref.add(i);
                }
            }
            if (!pref.isEmpty()) {
                live = pref;
            }
        }
        if (live.size() == 1) {
            return live.get(0);
        }
        if (anyUnknown) {
            int known = 0;
            boolean same = true;
            for (int j = 0; j < nargs; j++) {
                if (actual[j] != Types.UNKNOWN) {
                    if (known == 0) {
                        known = actual[j];
                    } else if (known != actual[j]) {
                        same = false;
                    }
                }
            }
            if (known != 0 && same) {
                List<Integer> next = new ArrayList<>();
                for (int i : live) {
                    boolean ok = true;
                    for (int j = 0; j < nargs; j++) {
                        if (actual[j] == Types.UNKNOWN && !Casts.canCast(known, cands.get(i)[j], Casts.Context.IMPLICIT)) {
                            ok = false;
                        }
                    }
                    if (ok) {
                        next.add(i);
                    }
                }
                if (next.size() == 1) {
                    return next.get(0);
                }
            }
        }
        return live.isEmpty() ? -1 : -2;
    }

    static boolean coercible(int[] actual, int[] declared) {
        if (actual.length != declared.length) {
            return false;
        }
        for (int j = 0; j < actual.length; j++) {
            if (declared[j] == Types.ANY) {
                continue;
            }
            if (!Casts.canCast(actual[j], declared[j], Casts.Context.IMPLICIT)) {
                return false;
            }
        }
        return true;
    }

    private interface Score {
        int of(int[] c);
    }

    private static List<Integer> keepMax(List<Integer> live, List<int[]> cands, Score s) {
        int best = -1;
        List<Integer> out = new ArrayList<>();
        for (int i : live) {
            int v = s.of(cands.get(i));
            if (v > best) {
                best = v;
                out.clear();
            }
            if (v == best) {
                out.add(i);
            }
        }
        return out;
    }
}
