package org.pgjava.tests.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The isolation corpus without a server: every spec parses, has an expected transcript and every
 * transcript a spec, enabled.txt names existing specs, and each transcript matches its spec (same
 * session count, the permutations in order, each step echoing the spec's current SQL), so a spec edited
 * without running scripts/isolation/generate.sh fails here. Also the spec parser's rules.
 */
class IsolationCorpusTest {
    private static final Path ISO = IsolationSpecTest.ISOLATION;

    @Test
    void everySpecHasACurrentTranscriptAndEveryTranscriptASpec() throws Exception {
        List<String> specs = IsolationSpecTest.allSpecs();
        assertFalse(specs.isEmpty());
        for (String name : specs) {
            IsolationSpec spec = IsolationSpec.load(ISO.resolve("specs/" + name + ".spec"));
            Path out = ISO.resolve("expected/" + name + ".out");
            assertTrue(Files.exists(out), "no expected/" + name + ".out: run scripts/isolation/generate.sh " + name);
            checkTranscriptMatches(spec, Files.readString(out, StandardCharsets.UTF_8));
        }
        try (var files = Files.list(ISO.resolve("expected"))) {
            for (Path p : files.toList()) {
                String f = p.getFileName().toString();
                assertTrue(f.endsWith(".out") && specs.contains(f.substring(0, f.length() - 4)),
                        "expected/" + f + " has no spec");
            }
        }
        for (String name : IsolationSpecTest.enabledSpecs()) {
            assertTrue(specs.contains(name), "enabled.txt names unknown spec " + name);
        }
    }

    /** The transcript's structure must follow the spec; results are not checked here. */
    static void checkTranscriptMatches(IsolationSpec spec, String transcript) {
        String name = spec.name();
        List<String> lines = transcript.lines().toList();
        assertEquals("Parsed test spec with " + spec.sessions().size() + " sessions", lines.get(0), name);
        List<String> perms = new ArrayList<>();
        int permIndex = -1;
        List<String> started = new ArrayList<>();
        for (String line : lines) {
            assertFalse(line.startsWith("FAILED: ") || line.startsWith("RUNNER ERROR") || line.endsWith(" failed:"),
                    name + ": a transcript from a failed run: " + line);
            if (line.startsWith("starting permutation: ")) {
                if (permIndex >= 0) {
                    assertEquals(spec.permutations().get(permIndex), started, name + ": steps of permutation " + permIndex);
                }
                perms.add(line.substring("starting permutation: ".length()));
                permIndex++;
                started = new ArrayList<>();
            } else if (line.startsWith("step ") && !line.contains(": <... completed>")) {
                String rest = line.substring(5);
                int colon = rest.indexOf(": ");
                String step = rest.substring(0, colon);
                String sql = rest.substring(colon + 2).replaceFirst(" <waiting \\.\\.\\.>$", "");
                assertEquals(spec.step(step).oneLine(), sql, name + ": SQL of step " + step + " (stale transcript?)");
                started.add(step);
            }
        }
        if (permIndex >= 0) {
            assertEquals(spec.permutations().get(permIndex), started, name + ": steps of the last permutation");
        }
        assertEquals(spec.permutations().stream().map(p -> String.join(" ", p)).toList(), perms,
                name + ": permutations (stale transcript? run scripts/isolation/generate.sh " + name + ")");
    }

    @Test
    void parsesTheFormat() {
        IsolationSpec s = IsolationSpec.parse("t", """
                # comment
                setup { CREATE TABLE t (a int); }
                setup { INSERT INTO t VALUES (1); }
                teardown { DROP TABLE t; }
                session "one"
                setup { SET deadlock_timeout = '10ms'; }
                step a1 { SELECT '}' ; -- } not the end
                  SELECT 2; }
                teardown { COMMIT; }
                session two
                step b1 { BEGIN; }
                permutation a1 "b1"
                permutation b1
                """);
        assertEquals(2, s.setups().size());
        assertEquals("DROP TABLE t;", s.teardown());
        assertEquals("one", s.sessions().get(0).name());
        assertEquals("SET deadlock_timeout = '10ms';", s.sessions().get(0).setup());
        assertEquals("one", s.step("a1").session());
        assertEquals(List.of("SELECT '}'", "SELECT 2"), IsolationSpec.splitStatements(s.step("a1").sql()));
        assertEquals(List.of(List.of("a1", "b1"), List.of("b1")), s.permutations());
    }

    @Test
    void rejectsBrokenSpecs() {
        assertThrows(IllegalArgumentException.class, () -> IsolationSpec.parse("x", "session s step a { SELECT 1 }"),
                "no permutation");
        assertThrows(IllegalArgumentException.class, () -> IsolationSpec.parse("x",
                "session s step a { SELECT 1 }\npermutation a b"), "unknown step");
        assertThrows(IllegalArgumentException.class, () -> IsolationSpec.parse("x",
                "session s step a { SELECT 1 }\nsession t step a { SELECT 2 }\npermutation a"), "duplicate step");
        assertThrows(IllegalArgumentException.class, () -> IsolationSpec.parse("x",
                "session s step a { SELECT 1 \npermutation a"), "unterminated block");
        assertThrows(IllegalArgumentException.class, () -> IsolationSpec.parse("x",
                "session s step a { SELECT 1 }\npermutation a\n a"), "a permutation is one line");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IsolationSpec.parse("x",
                "session s\nstep a { SELECT 1 }\nbogus\npermutation a"));
        assertTrue(e.getMessage().startsWith("x.spec:3: "), e.getMessage());
    }

    @Test
    void splitsStatementsOutsideQuotesAndComments() {
        assertEquals(List.of("BEGIN", "SELECT 'a;b', \"c;d\"", "SELECT 'it''s;'"),
                IsolationSpec.splitStatements("BEGIN; SELECT 'a;b', \"c;d\"; -- x; y\n SELECT 'it''s;';"));
        assertEquals("UPDATE 3", IsolationRunner.commandTag("update t set a = 1", 3));
        assertEquals("INSERT 0 2", IsolationRunner.commandTag("\n INSERT INTO t VALUES (1), (2)", 2));
        assertEquals(null, IsolationRunner.commandTag("BEGIN", 0));
    }
}
