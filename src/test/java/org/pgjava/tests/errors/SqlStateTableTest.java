package org.pgjava.tests.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.tests.harness.PgJavaServer;

/**
 * The SQLSTATE table is the one source for error codes and for docs/errors.md: codes are unique and
 * well-formed, and the document is generated from the table (run with -Dpgjava.regenerate=true to rewrite
 * it after adding a condition).
 */
class SqlStateTableTest {

    @Test
    void codesAreUniqueAndWellFormed() {
        Set<String> seen = new HashSet<>();
        for (SqlState s : SqlState.values()) {
            assertTrue(s.code().matches("[0-9A-Z]{5}"), s + " " + s.code());
            assertTrue(seen.add(s.code()), "duplicate code " + s.code());
        }
    }

    static String render() {
        StringBuilder b = new StringBuilder();
        b.append("# SQLSTATE codes used by pgjava\n\n")
         .append("Generated from `conf/src/main/java/org/pgjava/conf/errors/SqlState.java` by\n")
         .append("`SqlStateTableTest` (`mvn verify -Dpgjava.regenerate=true` rewrites it). Codes and names are\n")
         .append("PostgreSQL 15's (errcodes.txt); code refers to the constants, never to the strings.\n\n")
         .append("| SQLSTATE | condition |\n|---|---|\n");
        for (SqlState s : SqlState.values()) {
            b.append("| `").append(s.code()).append("` | ").append(s.name().toLowerCase()).append(" |\n");
        }
        return b.toString();
    }

    @Test
    void docsErrorsMdIsGeneratedFromTheTable() throws IOException {
        Path doc = PgJavaServer.repoRoot().resolve("docs/errors.md");
        String expected = render();
        if (Boolean.getBoolean("pgjava.regenerate")) {
            Files.writeString(doc, expected);
        }
        assertEquals(expected, Files.exists(doc) ? Files.readString(doc) : "",
                "docs/errors.md is stale: run mvn verify -Dpgjava.regenerate=true");
    }
}
