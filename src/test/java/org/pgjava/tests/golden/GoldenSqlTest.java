package org.pgjava.tests.golden;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.pgjava.tests.harness.PgJavaServer;

/**
 * The golden SQL suite: every file src/test/golden/sql/NAME.sql is run through the real psql against a
 * pgjava server and its output must equal src/test/golden/expected/NAME.out byte for byte. The expected
 * files are PostgreSQL 15's own output, written by scripts/golden/generate.sh and never edited by hand;
 * both sides run psql through the same script, scripts/golden/psql-golden.sh (flags, preamble, filter).
 *
 * <p>Which files: those listed in src/test/golden/enabled.txt (one stem per line, '#' comments), or all
 * files with {@code -Dgolden.all=true}, or the comma-separated stems in {@code -Dgolden.only=a,b}.
 *
 * <p>Which server: one pgjava server started with {@link PgJavaServer} for the whole class (superuser
 * postgres, trust), or, when the environment variable {@code PGJAVA_TEST_TARGET=host:port} (or the system
 * property {@code golden.target}) is set, that already-running server: pointing it at the reference
 * PostgreSQL 15 must pass every file, which checks the expected files and this test.
 *
 * <p>On a mismatch the test fails with a unified diff (expected vs actual) and writes the actual output
 * to src/test/target/golden-actual/NAME.out.
 */
class GoldenSqlTest {

    /** A file takes well under a second on PostgreSQL; this long means the server hangs. */
    private static final Duration FILE_TIMEOUT = Duration.ofSeconds(60);

    private static PgJavaServer server;
    /** Set when starting the server failed once: the remaining files fail with it at once. */
    private static RuntimeException startFailure;

    private static final Path ROOT = PgJavaServer.repoRoot();
    private static final Path GOLDEN = ROOT.resolve("src/test/golden");

    @TestFactory
    Stream<DynamicTest> goldenFiles() {
        List<String> names = selectedFiles();
        if (names.isEmpty()) {
            fail("no golden files selected (enabled.txt empty and no -Dgolden.all/-Dgolden.only)");
        }
        return names.stream().map(name -> DynamicTest.dynamicTest(name, () -> runFile(name)));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Runs one file against the target and fails with a diff when the output differs. */
    private static void runFile(String name) throws IOException {
        Path expectedFile = GOLDEN.resolve("expected/" + name + ".out");
        if (!Files.exists(expectedFile)) {
            fail("no expected output " + ROOT.relativize(expectedFile) + ": run scripts/golden/generate.sh " + name);
        }
        String[] target = target();
        List<String> cmd = List.of(ROOT.resolve("scripts/golden/psql-golden.sh").toString(),
                target[0], target[1], name);
        RunResult r = runWithTimeout(cmd, FILE_TIMEOUT);
        String expected = Files.readString(expectedFile, StandardCharsets.UTF_8);
        String actual = r.stdout();
        if (expected.equals(actual) && r.exitCode() == 0 && !r.timedOut()) {
            return;
        }
        Path actualFile = ROOT.resolve("src/test/target/golden-actual/" + name + ".out");
        Files.createDirectories(actualFile.getParent());
        Files.writeString(actualFile, actual, StandardCharsets.UTF_8);
        StringBuilder msg = new StringBuilder();
        msg.append("golden file ").append(name).append(".sql: output differs from PostgreSQL 15's");
        if (r.timedOut()) {
            msg.append(" (TIMED OUT after ").append(FILE_TIMEOUT.toSeconds())
               .append(" s: the server stopped answering; the actual output ends where it hung)");
        } else if (r.exitCode() != 0) {
            msg.append(" (psql exit status ").append(r.exitCode()).append(')');
        }
        msg.append("\nactual output: ").append(actualFile).append('\n');
        if (!r.stderr().isEmpty()) {
            msg.append("runner stderr:\n").append(r.stderr()).append('\n');
        }
        String actualLabel = "actual (" + target[0] + ":" + target[1] + ")";
        msg.append(LineDiff.unified(expected, actual, "expected/" + name + ".out", actualLabel, 3, 80));
        if (server != null && (r.exitCode() != 0 || r.timedOut())) {
            String log = server.log();
            msg.append("\n--- server log (tail) ---\n").append(log.substring(Math.max(0, log.length() - 4000)));
        }
        fail(msg.toString());
    }

    /** Output of one psql-golden.sh run; {@code timedOut} when it was killed after the file timeout. */
    record RunResult(int exitCode, String stdout, String stderr, boolean timedOut) {
    }

    /**
     * Runs a command with stdout and stderr captured in temp files; after {@code timeout} kills it and its
     * descendants and returns what it wrote so far (psql-golden.sh writes unbuffered, so that is everything
     * up to the statement the server did not answer).
     */
    static RunResult runWithTimeout(List<String> cmd, Duration timeout) throws IOException {
        Path out = Files.createTempFile("golden-out", ".txt");
        Path err = Files.createTempFile("golden-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            boolean done;
            try {
                done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!done) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException("interrupted while running " + cmd, e);
            }
            return new RunResult(done ? p.exitValue() : -1, Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), !done);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** host and port of the server under test; starts the pgjava server on first use. */
    private static synchronized String[] target() {
        String t = System.getProperty("golden.target", System.getenv("PGJAVA_TEST_TARGET"));
        if (t != null && !t.isBlank()) {
            int colon = t.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("PGJAVA_TEST_TARGET must be host:port, not " + t);
            }
            return new String[] {t.substring(0, colon), t.substring(colon + 1)};
        }
        if (startFailure != null) {
            throw new IllegalStateException("the pgjava server could not be started (see the first golden test)",
                    startFailure);
        }
        if (server == null) {
            try {
                server = PgJavaServer.start(PgJavaServer.options());
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return new String[] {server.host(), String.valueOf(server.port())};
    }

    /** The stems to run, in a stable order (see the class comment). */
    static List<String> selectedFiles() {
        try {
            String only = System.getProperty("golden.only");
            if (only != null && !only.isBlank()) {
                return Arrays.stream(only.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .map(s -> s.endsWith(".sql") ? s.substring(0, s.length() - 4) : s).toList();
            }
            if (Boolean.getBoolean("golden.all")) {
                try (Stream<Path> files = Files.list(GOLDEN.resolve("sql"))) {
                    return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".sql"))
                            .map(f -> f.substring(0, f.length() - 4)).sorted().toList();
                }
            }
            return enabledFiles();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stems listed in src/test/golden/enabled.txt ('#' starts a comment), in file order. */
    static List<String> enabledFiles() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(GOLDEN.resolve("enabled.txt"), StandardCharsets.UTF_8)) {
            String s = line.replaceFirst("#.*", "").trim();
            if (!s.isEmpty()) {
                names.add(s);
            }
        }
        return names;
    }
}
