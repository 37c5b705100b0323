package org.pgjava.tests.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.pgjava.tests.harness.PgJavaServer;

/**
 * Consistency of the golden corpus itself, without any server: every SQL file has an expected output and
 * vice versa, enabled.txt names existing files, and every expected output is the output of the current
 * preamble and SQL file (psql -a echoes every non-empty input line, so those lines must appear in order);
 * a SQL file edited without running scripts/golden/generate.sh fails here.
 */
class GoldenCorpusTest {

    private static final Path GOLDEN = PgJavaServer.repoRoot().resolve("src/test/golden");

    private static TreeSet<String> stems(Path dir, String suffix) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(suffix))
             .forEach(f -> out.add(f.substring(0, f.length() - suffix.length())));
        }
        return out;
    }

    @Test
    void everySqlFileHasAnExpectedOutputAndViceVersa() throws IOException {
        TreeSet<String> sql = stems(GOLDEN.resolve("sql"), ".sql");
        assertFalse(sql.isEmpty());
        assertEquals(sql, stems(GOLDEN.resolve("expected"), ".out"),
                "sql/*.sql and expected/*.out must match one to one (run scripts/golden/generate.sh)");
    }

    @Test
    void enabledFilesExist() throws IOException {
        TreeSet<String> sql = stems(GOLDEN.resolve("sql"), ".sql");
        for (String name : GoldenSqlTest.enabledFiles()) {
            assertTrue(sql.contains(name), "enabled.txt names " + name + " but sql/" + name + ".sql does not exist");
        }
    }

    @Test
    void expectedOutputsEchoTheCurrentPreambleAndSql() throws IOException {
        List<String> preamble = nonEmptyLines(GOLDEN.resolve("preamble.sql"));
        for (String name : stems(GOLDEN.resolve("sql"), ".sql")) {
            List<String> input = new ArrayList<>(preamble);
            input.addAll(nonEmptyLines(GOLDEN.resolve("sql/" + name + ".sql")));
            List<String> out = Files.readAllLines(GOLDEN.resolve("expected/" + name + ".out"), StandardCharsets.UTF_8);
            int o = 0;
            for (String line : input) {
                while (o < out.size() && !out.get(o).equals(line)) {
                    o++;
                }
                if (o == out.size()) {
                    fail("expected/" + name + ".out is stale: it does not echo the input line \"" + line
                            + "\" (in order); run scripts/golden/generate.sh " + name);
                }
                o++;
            }
            assertTrue(out.stream().noneMatch(l -> l.startsWith("LOCATION:  ")),
                    name + ".out has LOCATION lines: not produced by scripts/golden/psql-golden.sh");
        }
    }

    private static List<String> nonEmptyLines(Path p) throws IOException {
        return Files.readAllLines(p, StandardCharsets.UTF_8).stream().filter(l -> !l.isEmpty()).toList();
    }
}
