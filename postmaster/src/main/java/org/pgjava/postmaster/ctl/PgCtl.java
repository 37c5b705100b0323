package org.pgjava.postmaster.ctl;

import org.pgjava.postmaster.PidFile;
import org.pgjava.shmem.os.LibC;
import org.pgjava.shmem.os.ProcessControl;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * pg_ctl for pgjava: {@code start | stop | restart | reload | status -D DIR [options]}, with pg_ctl's
 * messages and exit codes. Entry point {@link #main}; {@link #run} returns the exit code.
 *
 * <ul>
 * <li>{@code start -D DIR [-l LOGFILE] [-o "OPTIONS"] [-t SECONDS]}: starts {@code PostmasterMain} in a new
 *     session ({@code setsid}), output appended to LOGFILE (default DIR/pgjava.log, which it says), then
 *     waits until postmaster.pid says "ready" (pg_ctl -w). Exit 1 with the log's tail if it fails.</li>
 * <li>{@code stop -D DIR [-m smart|fast|immediate] [-t SECONDS]}: SIGTERM / SIGINT / SIGUSR2 (pgjava's
 *     immediate; PostgreSQL uses SIGQUIT, which the JVM reserves), then waits for postmaster.pid to go.</li>
 * <li>{@code restart} = stop (fast by default) + start; {@code reload}: SIGHUP; {@code status}: exit 0
 *     running, 3 not running (with the command line from DIR/postmaster.opts).</li>
 * </ul>
 * The postmaster JVM gets the options in environment variable PGJAVA_POSTMASTER_JAVA_OPTS, default
 * {@code -XX:+UseSerialGC -Xss512k -Xmx512m}, and this JVM's class path.
 */
public final class PgCtl {
    private static final String PROG = "pg_ctl";
    private final PrintStream out;
    private final PrintStream err;

    private PgCtl(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Command-line entry point. */
    public static void main(String[] args) {
        System.exit(new PgCtl(System.out, System.err).run(args));
    }

    private record Options(String command, Path dataDir, Path logFile, String postmasterOptions, String mode,
                           int timeoutSeconds) {
    }

    /**
     * Runs one command.
     * @return the exit code: 0 success, 1 failure, 3 for status when no server runs, 2 usage error
     */
    public int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help")) {
            out.println("usage: pg_ctl start|stop|restart|reload|status -D DATADIR [-l FILENAME] [-o \"OPTIONS\"]"
                    + " [-m smart|fast|immediate] [-t SECS]");
            return args.length == 0 ? 1 : 0;
        }
        String command = null;
        Path dir = null;
        Path log = null;
        String opts = "";
        String mode = "fast";
        int timeout = 60;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            try {
                switch (a) {
                    case "-D", "--pgdata" -> dir = Path.of(args[++i]);
                    case "-l", "--log" -> log = Path.of(args[++i]);
                    case "-o", "--options" -> opts = (opts + " " + args[++i]).trim();
                    case "-m", "--mode" -> mode = args[++i];
                    case "-t", "--timeout" -> timeout = Integer.parseInt(args[++i]);
                    case "-w", "--wait", "-s", "--silent" -> {
                    }
                    default -> {
                        if (a.startsWith("-")) {
                            err.println(PROG + ": invalid option -- '" + a + "'");
                            err.println("Try \"pg_ctl --help\" for more information.");
                            return 1;
                        }
                        if (command != null) {
                            err.println(PROG + ": too many command-line arguments (first is \"" + a + "\")");
                            return 1;
                        }
                        command = a;
                    }
                }
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                err.println(PROG + ": option requires an argument -- '" + a + "'");
                return 1;
            }
        }
        if (dir == null && System.getenv("PGDATA") != null) {
            dir = Path.of(System.getenv("PGDATA"));
        }
        if (command == null) {
            err.println(PROG + ": no operation specified");
            return 1;
        }
        if (dir == null) {
            err.println(PROG + ": no database directory specified and environment variable PGDATA unset");
            return 1;
        }
        if (!mode.equals("smart") && !mode.equals("fast") && !mode.equals("immediate")
                && !mode.equals("s") && !mode.equals("f") && !mode.equals("i")) {
            err.println(PROG + ": unrecognized shutdown mode \"" + mode + "\"");
            return 1;
        }
        Options o = new Options(command, dir.toAbsolutePath().normalize(), log, opts, mode, timeout);
        return switch (command) {
            case "start" -> start(o);
            case "stop" -> stop(o, false);
            case "restart" -> restart(o);
            case "reload" -> reload(o);
            case "status" -> status(o);
            default -> {
                err.println(PROG + ": unrecognized operation mode \"" + command + "\"");
                yield 1;
            }
        };
    }

    private int start(Options o) {
        Optional<PidFile.Contents> existing = PidFile.read(o.dataDir());
        if (existing.isPresent() && ProcessControl.isAlive(existing.get().pid())) {
            err.println(PROG + ": another server might be running; trying to start server anyway");
        }
        if (!Files.isDirectory(o.dataDir())) {
            err.println(PROG + ": directory \"" + o.dataDir() + "\" does not exist");
            return 1;
        }
        Path log = o.logFile() != null ? o.logFile().toAbsolutePath() : o.dataDir().resolve("pgjava.log");
        if (o.logFile() == null) {
            out.println(PROG + ": server log is written to \"" + log + "\"");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String jvm = System.getenv("PGJAVA_POSTMASTER_JAVA_OPTS");
        cmd.addAll(Arrays.asList((jvm == null || jvm.isBlank() ? "-XX:+UseSerialGC -Xss512k -Xmx512m" : jvm)
                .trim().split("\\s+")));
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.pgjava.postmaster.PostmasterMain");
        cmd.add("-D");
        cmd.add(o.dataDir().toString());
        cmd.addAll(splitOptions(o.postmasterOptions()));
        long logStart;
        Process p;
        try {
            logStart = Files.exists(log) ? Files.size(log) : 0;
            p = new ProcessBuilder(cmd).redirectInput(new File("/dev/null"))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            err.println(PROG + ": could not start server: " + e.getMessage());
            return 1;
        }
        out.print("waiting for server to start...");
        out.flush();
        long deadline = System.currentTimeMillis() + o.timeoutSeconds() * 1000L;
        long nextDot = System.currentTimeMillis() + 1000;
        while (true) {
            Optional<PidFile.Contents> c = PidFile.read(o.dataDir());
            if (c.isPresent() && c.get().pid() == p.pid() && c.get().ready()) {
                out.println(" done");
                out.println("server started");
                return 0;
            }
            if (!p.isAlive()) {
                out.println(" stopped waiting");
                err.println(PROG + ": could not start server");
                err.println("Examine the log output.");
                printTail(log, logStart);
                return 1;
            }
            if (System.currentTimeMillis() > deadline) {
                out.println(" stopped waiting");
                err.println(PROG + ": server did not start in time");
                return 1;
            }
            if (System.currentTimeMillis() >= nextDot) {
                out.print(".");
                out.flush();
                nextDot += 1000;
            }
            sleep(50);
        }
    }

    private int stop(Options o, boolean forRestart) {
        Optional<PidFile.Contents> c = PidFile.read(o.dataDir());
        Path pidPath = o.dataDir().resolve(PidFile.NAME);
        if (c.isEmpty()) {
            err.println(PROG + ": PID file \"" + pidPath + "\" does not exist");
            err.println("Is server running?");
            return 1;
        }
        int pid = c.get().pid();
        int sig = switch (o.mode()) {
            case "smart", "s" -> LibC.SIGTERM;
            case "immediate", "i" -> LibC.SIGUSR2;
            default -> LibC.SIGINT;
        };
        if (!ProcessControl.signal(pid, sig)) {
            err.println(PROG + ": could not send stop signal (PID: " + pid + "): No such process");
            return 1;
        }
        out.print("waiting for server to shut down...");
        out.flush();
        long deadline = System.currentTimeMillis() + o.timeoutSeconds() * 1000L;
        long nextDot = System.currentTimeMillis() + 1000;
        while (Files.exists(pidPath) && ProcessControl.isAlive(pid)) {
            if (System.currentTimeMillis() > deadline) {
                out.println(" failed");
                err.println(PROG + ": server does not shut down");
                if (o.mode().startsWith("s")) {
                    err.println("HINT: The \"-m fast\" option immediately disconnects sessions rather than\n"
                            + "waiting for session-initiated disconnection.");
                }
                return 1;
            }
            if (System.currentTimeMillis() >= nextDot) {
                out.print(".");
                out.flush();
                nextDot += 1000;
            }
            sleep(50);
        }
        while (ProcessControl.isAlive(pid) && System.currentTimeMillis() < deadline) {
            sleep(20); // the pid file is gone; let the JVM finish exiting so the port is free for a restart
        }
        out.println(" done");
        out.println("server stopped");
        return 0;
    }

    private int restart(Options o) {
        Optional<PidFile.Contents> c = PidFile.read(o.dataDir());
        if (c.isEmpty() || !ProcessControl.isAlive(c.get().pid())) {
            err.println(PROG + ": PID file \"" + o.dataDir().resolve(PidFile.NAME) + "\" does not exist");
            err.println("Is server running?");
            err.println("trying to start server anyway");
        } else if (stop(o, true) != 0) {
            err.println(PROG + ": failed to stop server");
            return 1;
        }
        return start(o);
    }

    private int reload(Options o) {
        Optional<PidFile.Contents> c = PidFile.read(o.dataDir());
        if (c.isEmpty()) {
            err.println(PROG + ": PID file \"" + o.dataDir().resolve(PidFile.NAME) + "\" does not exist");
            err.println("Is server running?");
            return 1;
        }
        if (!ProcessControl.signal(c.get().pid(), LibC.SIGHUP)) {
            err.println(PROG + ": could not send reload signal (PID: " + c.get().pid() + "): No such process");
            return 1;
        }
        out.println("server signaled");
        return 0;
    }

    private int status(Options o) {
        Optional<PidFile.Contents> c = PidFile.read(o.dataDir());
        if (c.isPresent() && ProcessControl.isAlive(c.get().pid())) {
            out.println(PROG + ": server is running (PID: " + c.get().pid() + ")");
            try {
                Path opts = o.dataDir().resolve("postmaster.opts");
                if (Files.exists(opts)) {
                    out.println(Files.readString(opts, StandardCharsets.UTF_8).strip());
                }
            } catch (IOException ignored) {
                // the command line is informational
            }
            return 0;
        }
        out.println(PROG + ": no server running");
        return 3;
    }

    /** Splits -o "..." like a shell would for simple cases: whitespace, with single or double quotes. */
    static List<String> splitOptions(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inToken = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
                inToken = true;
            } else if (Character.isWhitespace(ch)) {
                if (inToken) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inToken = false;
                }
            } else {
                cur.append(ch);
                inToken = true;
            }
        }
        if (inToken) {
            out.add(cur.toString());
        }
        return out;
    }

    private void printTail(Path log, long from) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            byte[] all = Files.readAllBytes(log);
            String fresh = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
                    StandardCharsets.UTF_8);
            List<String> show = fresh.isBlank() ? lines : Arrays.asList(fresh.split("\n"));
            for (String l : show.subList(Math.max(0, show.size() - 20), show.size())) {
                err.println(l);
            }
        } catch (IOException ignored) {
            // no log to show
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
