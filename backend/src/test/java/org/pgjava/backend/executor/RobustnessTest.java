package org.pgjava.backend.executor;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pgjava.backend.optimizer.Planner;
import org.pgjava.backend.parser.Parser;
import org.pgjava.backend.nodes.RawStatement;
import org.pgjava.backend.nodes.UtilityStatement;
import org.pgjava.backend.utils.adt.TypeIO;
import org.pgjava.conf.errors.PgException;

/**
 * Mutated SQL must never escape as anything but a PgException: no NullPointerException, ClassCastException
 * or index errors from the lexer, parser, analyzer or executor (those would reach clients as internal
 * errors). Deterministic: fixed seed.
 */
class RobustnessTest {
    private static final String[] SEEDS = {
        "select 1 + 2 * 3, 'a' || 'b', case when 1 > 2 then 'x' else 'y' end",
        "select coalesce(null, 1.5), nullif(1, 2), greatest(1, 2, 3), least('a', 'b')",
        "values (1, 'a'), (2, 'b') limit 1 offset 0",
        "select $1::int + $2, substring('hello' from 2 for 3), trim(both 'x' from 'xax')",
        "SET search_path TO public, 'x'; SHOW ALL; BEGIN ISOLATION LEVEL SERIALIZABLE; COMMIT AND CHAIN",
        "select 1::numeric(5,2) / 3, 2 ^ 0.5, -2147483648, 1e100::float8, 'NaN'::float4",
        "select 'abc' like 'a%' escape '#', 1 between symmetric 2 and 0, 3 not in (1, 2, null)",
        "select E'\\x41\\n', $$dollar$$, U&'d\\0061t', x'1F', b'101', 1 -- c\n /* d /* e */ */",
        "select true is not false, null is distinct from 1, 1 isnull, (1 = 1) is unknown",
        "select length(md5('x')), to_hex(255), chr(65), split_part('a,b', ',', 2), concat_ws('-', 1, 2)",
    };

    private static final String ALPHABET = "()',;:$.*+-/%^<>=!|&#~@ \n\t\"0123456789abcdeEnNuUxX_selctromwhv[]\\";

    @Test
    void deepNestingIsStackDepthError() {
        String deep = "select " + "(".repeat(200000) + "1" + ")".repeat(200000);
        PgException e = org.junit.jupiter.api.Assertions.assertThrows(PgException.class, () -> Parser.parse(deep));
        org.junit.jupiter.api.Assertions.assertEquals(org.pgjava.conf.errors.SqlState.STATEMENT_TOO_COMPLEX, e.sqlState());
        String longSum = "select " + "1 + ".repeat(100000) + "1";
        FakeSession session = new FakeSession();
        try {
            Planner.plan(Parser.parse(longSum).get(0), null, session);
        } catch (PgException ok) {
            org.junit.jupiter.api.Assertions.assertEquals(org.pgjava.conf.errors.SqlState.STATEMENT_TOO_COMPLEX, ok.sqlState());
        }
    }

    @Test
    void mutatedQueriesOnlyRaisePgExceptions() {
        Random rnd = new Random(20261121L);
        FakeSession session = new FakeSession();
        for (int iter = 0; iter < 20000; iter++) {
            StringBuilder sb = new StringBuilder(SEEDS[rnd.nextInt(SEEDS.length)]);
            int edits = 1 + rnd.nextInt(4);
            for (int e = 0; e < edits && !sb.isEmpty(); e++) {
                int at = rnd.nextInt(sb.length());
                switch (rnd.nextInt(3)) {
                    case 0 -> sb.deleteCharAt(at);
                    case 1 -> sb.insert(at, ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
                    default -> sb.setCharAt(at, ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
                }
            }
            String q = sb.toString();
            try {
                List<RawStatement> stmts = Parser.parse(q);
                for (RawStatement st : stmts) {
                    if (st.stmt() instanceof UtilityStatement) {
                        continue;
                    }
                    PlannedStatement p = Planner.plan(st, new int[0], session);
                    Object[] params = new Object[p.parameterTypes().length];
                    try (QueryRun r = p.start(params, session)) {
                        Object[] row;
                        while ((row = r.next()) != null) {
                            for (int i = 0; i < row.length; i++) {
                                if (row[i] != null) {
                                    int t = p.resultColumns().get(i).typeOid();
                                    TypeIO.output(t, row[i], session);
                                    if (TypeIO.hasBinary(t)) {
                                        TypeIO.send(t, row[i]);
                                    }
                                }
                            }
                        }
                    }
                }
            } catch (PgException expected) {
                // fine: every failure must be a PostgreSQL-style error
            } catch (RuntimeException | StackOverflowError e) {
                fail("query <" + q + "> threw " + e, e);
            }
        }
    }
}
