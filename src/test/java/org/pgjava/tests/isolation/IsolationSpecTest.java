package org.pgjava.tests.isolation;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.pgjava.tests.golden.LineDiff;
import org.pgjava.tests.harness.PgJavaServer;

/**
 * The isolation suite: every selected spec src/test/isolation/specs/NAME.spec is run by
 * {@link IsolationRunner} against a server, and its transcript must equal
 * src/test/isolation/expected/NAME.out (PostgreSQL 15's transcript, written by
 * scripts/isolation/generate.sh) byte for byte.
 *
 * <p>Which specs: those in src/test/isolation/enabled.txt (one stem per line, '#' comments; the lead
 * enables them once storage, transactions and locks work), or all with {@code -Disolation.all=true},
 * or the comma-separated stems of {@code -Disolation.only=a,b}. None selected: no test, no server.
 *
 * <p>Which server: one pgjava server started with {@link PgJavaServer} for the class, or the running
 * server named by {@code -Disolation.target=host:port} or the environment variable
 * {@code PGJAVA_TEST_TARGET=host:port} (user postgres, database postgres). Pointed at PostgreSQL 15 every
 * spec must pass, which checks the runner and the expected files.
 *
 * <p>On a mismatch: a unified diff, and the actual transcript in src/test/target/isolation-actual/NAME.out.
 */
class IsolationSpecTest {
    static final Path ROOT = PgJavaServer.repoRoot();
    static final Path ISOLATION = ROOT.resolve("src/test/isolation");

    private static PgJavaServer server;
    private static RuntimeException startFailure;

    @TestFactory
    Stream<DynamicTest> isolationSpecs() {
        return selectedSpecs().stream().map(name -> DynamicTest.dynamicTest(name, () -> runSpec(name)));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    private static void runSpec(String name) throws Exception {
        Path expectedFile = ISOLATION.resolve("expected/" + name + ".out");
        if (!Files.exists(expectedFile)) {
            fail("no expected transcript " + ROOT.relativize(expectedFile) + ": run scripts/isolation/generate.sh " + name);
        }
        IsolationSpec spec = IsolationSpec.load(ISOLATION.resolve("specs/" + name + ".spec"));
        IsolationRunner.Target target = target();
        String actual;
        try {
            actual = new IsolationRunner(target, IsolationRunner.Timing.fromSystemProperties()).run(spec);
        } catch (java.sql.SQLException e) {
            throw new AssertionError("spec " + name + ": " + e + serverLogTail(), e);
        }
        String expected = Files.readString(expectedFile, StandardCharsets.UTF_8);
        if (expected.equals(actual)) {
            return;
        }
        Path actualFile = ROOT.resolve("src/test/target/isolation-actual/" + name + ".out");
        Files.createDirectories(actualFile.getParent());
        Files.writeString(actualFile, actual, StandardCharsets.UTF_8);
        fail("isolation spec " + name + ": transcript differs from PostgreSQL 15's\nactual transcript: " + actualFile
                + "\n" + LineDiff.unified(expected, actual, "expected/" + name + ".out",
                        "actual (" + target.host() + ":" + target.port() + ")", 3, 80)
                + (actual.contains("\nFAILED: ") ? serverLogTail() : ""));
    }

    private static String serverLogTail() {
        if (server == null) {
            return "";
        }
        String log = server.log();
        return "\n--- server log (tail) ---\n" + log.substring(Math.max(0, log.length() - 4000));
    }

    /** The server under test; starts the pgjava server on first use. */
    private static synchronized IsolationRunner.Target target() {
        String t = System.getProperty("isolation.target", System.getenv("PGJAVA_TEST_TARGET"));
        if (t != null && !t.isBlank()) {
            return IsolationRunner.Target.parse(t.trim());
        }
        if (startFailure != null) {
            throw new IllegalStateException("the pgjava server could not be started (see the first spec)", startFailure);
        }
        if (server == null) {
            try {
                server = PgJavaServer.start(PgJavaServer.options());
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return new IsolationRunner.Target(server.host(), server.port(), server.superuser(), "postgres", null);
    }

    /** The stems to run (see the class comment). */
    static List<String> selectedSpecs() {
        try {
            String only = System.getProperty("isolation.only");
            if (only != null && !only.isBlank()) {
                return Arrays.stream(only.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            }
            if (Boolean.getBoolean("isolation.all")) {
                return allSpecs();
            }
            return enabledSpecs();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every spec stem in src/test/isolation/specs, sorted. */
    static List<String> allSpecs() throws IOException {
        try (Stream<Path> files = Files.list(ISOLATION.resolve("specs"))) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".spec"))
                    .map(f -> f.substring(0, f.length() - 5)).sorted().toList();
        }
    }

    /** The stems listed in enabled.txt, in file order. */
    static List<String> enabledSpecs() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(ISOLATION.resolve("enabled.txt"), StandardCharsets.UTF_8)) {
            String s = line.replaceFirst("#.*", "").trim();
            if (!s.isEmpty()) {
                names.add(s);
            }
        }
        return names;
    }
}
