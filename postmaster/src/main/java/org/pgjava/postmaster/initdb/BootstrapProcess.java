package org.pgjava.postmaster.initdb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How initdb runs the bootstrap-mode process that writes the system catalogs, the first WAL segment and
 * pg_control into a data directory whose configuration files and auth file already exist. Entry points:
 * {@link #run(Path)}, {@link #jvm()}.
 *
 * <p>The real one ({@link #jvm()}) starts {@code java --enable-native-access=ALL-UNNAMED -cp <this JVM's
 * class path> org.pgjava.backend.main.BootstrapMain -D DIR}, as the postmaster starts backends
 * (BackendCommand): the class is named by string only, because the postmaster module never links against
 * backend code.
 */
@FunctionalInterface
public interface BootstrapProcess {
    /** The bootstrap process's composition root, named by string only (layering). */
    String BOOTSTRAP_MAIN = "org.pgjava.backend.main.BootstrapMain";

    /** What a bootstrap run reported: its exit status and everything it printed. */
    record Outcome(int exitStatus, String output) {
    }

    /**
     * Runs the bootstrap for {@code dataDirectory} and waits for it.
     *
     * @return its exit status (0 = the catalogs, WAL and pg_control are written and fsynced) and output
     * @throws IOException if the process cannot be started
     */
    Outcome run(Path dataDirectory) throws IOException;

    /** The bootstrap as a child JVM running {@link #BOOTSTRAP_MAIN} on this JVM's java and class path. */
    static BootstrapProcess jvm() {
        return dataDirectory -> {
            ProcessBuilder pb = new ProcessBuilder(command(Path.of(System.getProperty("java.home"), "bin", "java"),
                    System.getProperty("java.class.path"), dataDirectory));
            pb.redirectErrorStream(true);
            Process p = pb.start();
            p.getOutputStream().close();
            String output;
            try (InputStream in = p.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            try {
                return new Outcome(p.waitFor(), output);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the bootstrap process", e);
            }
        };
    }

    /** The bootstrap command line: {@code java <flags> -cp CLASSPATH BootstrapMain -D DIR}. */
    static List<String> command(Path javaBinary, String classPath, Path dataDirectory) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary.toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(BOOTSTRAP_MAIN);
        cmd.add("-D");
        cmd.add(dataDirectory.toAbsolutePath().toString());
        return cmd;
    }
}
