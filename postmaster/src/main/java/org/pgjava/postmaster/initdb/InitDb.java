package org.pgjava.postmaster.initdb;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.pgjava.auth.PasswordVerifiers;
import org.pgjava.catalog.authfile.AuthData;
import org.pgjava.catalog.authfile.AuthFile;
import org.pgjava.catalog.authfile.DatabaseEntry;
import org.pgjava.catalog.authfile.MockAuthNonce;
import org.pgjava.catalog.authfile.RoleEntry;
import org.pgjava.conf.Encodings;
import org.pgjava.conf.SettingContext;
import org.pgjava.conf.SettingDef;
import org.pgjava.conf.SettingType;
import org.pgjava.conf.Settings;

/**
 * pgjava's initdb: creates a new data directory (PostgreSQL 15's initdb options, messages and exit codes
 * where they apply). Entry points: {@link #main(String[])} (exits with the status) and {@link #run}.
 *
 * <p>Options: {@code -D DIR} / {@code --pgdata=DIR} (else $PGDATA), {@code -U NAME} / {@code --username=NAME}
 * (default: the OS user), {@code --pwfile=FILE} (first line = the superuser's password, stored as a
 * SCRAM-SHA-256 verifier), {@code -A METHOD} / {@code --auth=METHOD}, {@code --auth-local=METHOD},
 * {@code --auth-host=METHOD} (trust, reject, password, md5, scram-sha-256; default trust, with initdb's
 * warning), {@code -E ENC} / {@code --encoding=ENC} (only UTF8 is accepted: pgjava stores UTF-8),
 * {@code --no-instructions}. Values may follow as the next argument or after "=".
 *
 * <p>What it creates (mode 0700): PG_VERSION ("15"), postgresql.conf (an uncommented header with
 * listen_addresses, port, max_connections, shared_buffers, unix_socket_directories, datestyle, timezone,
 * lc_*, then every user-visible setting of the registry as a commented default, by category),
 * pg_hba.conf, pg_ident.conf, global/pg_auth ({@link AuthFile}: bootstrap superuser OID 10; databases
 * template1 OID 1, template0 OID 4 (no connections), postgres OID 5), global/pg_mock_auth_nonce
 * ({@link MockAuthNonce}); then the bootstrap process ({@link BootstrapProcess}: a child JVM running
 * BootstrapMain) writes the system catalogs into global/ and base/1, base/4, base/5, pg_xact/0000, the first
 * WAL segment in pg_wal/ and global/pg_control.
 *
 * <p>Errors print {@code initdb: error: ...} (and {@code initdb: hint: ...}) and return 1; nothing is left
 * behind in a directory initdb created itself.
 */
public final class InitDb {
    private InitDb() {
    }

    private static final Set<String> METHODS = Set.of("trust", "reject", "password", "md5", "scram-sha-256");
    private static final Set<String> PASSWORD_METHODS = Set.of("password", "md5", "scram-sha-256");

    /** A command-line error: message and optional hint. */
    private static final class UsageError extends Exception {
        private static final long serialVersionUID = 1L;
        final String hint;

        UsageError(String message, String hint) {
            super(message, null, false, false);
            this.hint = hint;
        }
    }

    /** Runs initdb with the process's arguments and environment; exits with its status. */
    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err, System.getenv()));
    }

    /** {@link #run(List, PrintStream, PrintStream, Map)} with both streams {@code out} and the process environment. */
    public static int run(List<String> args, PrintStream out) {
        return run(args, out, out, System.getenv());
    }

    /**
     * Creates a data directory.
     *
     * @param args the command-line arguments
     * @param out  progress messages
     * @param err  warnings and errors ({@code initdb: error: ...})
     * @param env  environment (PGDATA)
     * @return 0 on success, 1 on any error
     */
    public static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> env) {
        return run(args, out, err, env, BootstrapProcess.jvm());
    }

    /**
     * Creates a data directory, running {@code bootstrap} once the configuration files and the auth file
     * are written (it writes the catalogs, pg_xact, the first WAL segment and pg_control).
     *
     * @return 0 on success, 1 on any error (also when the bootstrap process fails)
     */
    public static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> env,
                          BootstrapProcess bootstrap) {
        Options o;
        try {
            o = parseArgs(args, env);
        } catch (UsageError e) {
            err.println("initdb: error: " + e.getMessage());
            if (e.hint != null) err.println("initdb: hint: " + e.hint);
            return 1;
        }
        Path dir = o.dataDir;
        boolean created = false;
        try {
            String password = null;
            if (o.pwfile != null) {
                try {
                    List<String> lines = Files.readAllLines(Paths.get(o.pwfile), StandardCharsets.UTF_8);
                    password = lines.isEmpty() ? "" : lines.get(0);
                } catch (NoSuchFileException e) {
                    throw new UsageError("could not open file \"" + o.pwfile + "\" for reading: No such file or directory", null);
                } catch (IOException e) {
                    throw new UsageError("could not open file \"" + o.pwfile + "\" for reading: " + e.getMessage(), null);
                }
                if (password.isEmpty()) throw new UsageError("password file \"" + o.pwfile + "\" is empty", null);
            }
            if ((PASSWORD_METHODS.contains(o.authLocal) || PASSWORD_METHODS.contains(o.authHost)) && password == null) {
                throw new UsageError("must specify a password for the superuser to enable password authentication", null);
            }

            out.println("The files belonging to this database system will be owned by user \"" + System.getProperty("user.name") + "\".");
            out.println("This user must also own the server process.");
            out.println();
            out.println("The database cluster will be initialized with locale \"C\".");
            out.println("The default database encoding has been set to \"UTF8\".");
            out.println();
            out.println("Data page checksums are disabled.");
            out.println();

            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) throw new UsageError("could not access directory \"" + dir + "\": Not a directory", null);
                try (Stream<Path> s = Files.list(dir)) {
                    if (s.findAny().isPresent()) {
                        throw new UsageError("directory \"" + dir + "\" exists but is not empty",
                                "If you want to create a new database system, either remove or empty the directory \""
                                        + dir + "\" or run initdb with an argument other than \"" + dir + "\".");
                    }
                }
                out.print("fixing permissions on existing directory " + dir + " ... ");
                setMode(dir);
                out.println("ok");
            } else {
                out.print("creating directory " + dir + " ... ");
                Files.createDirectories(dir);
                created = true;
                setMode(dir);
                out.println("ok");
            }

            out.print("creating subdirectories ... ");
            for (String sub : new String[] {"global", "base", "base/1", "base/4", "base/5", "pg_wal", "pg_xact"}) {
                Path p = dir.resolve(sub);
                Files.createDirectories(p);
                setMode(p);
            }
            out.println("ok");

            Settings defaults = Settings.defaults();
            String timeZone = systemTimeZone();
            out.println("selecting default max_connections ... " + defaults.show("max_connections"));
            out.println("selecting default shared_buffers ... " + defaults.show("shared_buffers"));
            out.println("selecting default time zone ... " + timeZone);
            out.print("creating configuration files ... ");
            writeFile(dir.resolve("PG_VERSION"), "15\n");
            writeFile(dir.resolve("postgresql.conf"), postgresqlConf(defaults, timeZone));
            writeFile(dir.resolve("pg_hba.conf"), pgHbaConf(o.authLocal, o.authHost));
            writeFile(dir.resolve("pg_ident.conf"), """
                    # pgjava user name maps (pg_ident.conf). pgjava has no ident or peer authentication yet,
                    # so nothing reads this file; it exists for the ident_file setting.
                    # MAPNAME       SYSTEM-USERNAME         PG-USERNAME
                    """);
            out.println("ok");

            out.print("writing roles and databases ... ");
            SecureRandom random = new SecureRandom();
            String verifier = password == null ? null : PasswordVerifiers.scramSha256(password, random);
            AuthFile.write(dir, bootstrapAuthData(o.superuser, verifier));
            MockAuthNonce.create(dir, random);
            out.println("ok");
            out.print("running bootstrap script ... ");
            BootstrapProcess.Outcome boot = bootstrap.run(dir);
            if (boot.exitStatus() != 0) {
                throw new IOException("bootstrap process failed with exit status " + boot.exitStatus()
                        + (boot.output().isBlank() ? "" : ":\n" + boot.output().strip()));
            }
            out.println("ok");
            out.print("syncing data to disk ... ");
            fsyncTree(dir);
            out.println("ok");
            out.println();

            if (o.authLocal.equals("trust") || o.authHost.equals("trust")) {
                err.println("initdb: warning: enabling \"trust\" authentication for local connections");
                err.println("initdb: hint: You can change this by editing pg_hba.conf or using the option -A, or --auth-local and --auth-host, the next time you run initdb.");
            }
            if (!o.noInstructions) {
                out.println();
                out.println("Success. You can now start the database server using:");
                out.println();
                out.println("    bin/pgjava start -D " + dir + " -l logfile");
                out.println();
            }
            return 0;
        } catch (UsageError e) {
            err.println("initdb: error: " + e.getMessage());
            if (e.hint != null) err.println("initdb: hint: " + e.hint);
            return 1;
        } catch (IOException | RuntimeException e) {
            out.println();
            err.println("initdb: error: " + e.getMessage());
            if (created) {
                err.println("initdb: removing data directory \"" + dir + "\"");
                deleteTree(dir);
            }
            return 1;
        }
    }

    /** The parsed command line. */
    private record Options(Path dataDir, String superuser, String pwfile, String authLocal, String authHost, boolean noInstructions) {
    }

    private static Options parseArgs(List<String> args, Map<String, String> env) throws UsageError {
        String dataDir = null, user = null, pwfile = null, auth = null, authLocal = null, authHost = null, encoding = null;
        boolean noInstructions = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a, value = null;
            if (a.startsWith("--") && a.contains("=")) {
                name = a.substring(0, a.indexOf('='));
                value = a.substring(a.indexOf('=') + 1);
            } else if (a.startsWith("-") && !a.startsWith("--") && a.length() > 2) {
                name = a.substring(0, 2);
                value = a.substring(2);
            }
            switch (name) {
                case "-D", "--pgdata", "-U", "--username", "--pwfile", "-A", "--auth", "--auth-local", "--auth-host",
                     "-E", "--encoding" -> {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new UsageError("option requires an argument -- '" + name.replaceFirst("^-+", "") + "'",
                                    "Try \"initdb --help\" for more information.");
                        }
                        value = args.get(++i);
                    }
                    switch (name) {
                        case "-D", "--pgdata" -> dataDir = value;
                        case "-U", "--username" -> user = value;
                        case "--pwfile" -> pwfile = value;
                        case "-A", "--auth" -> auth = value;
                        case "--auth-local" -> authLocal = value;
                        case "--auth-host" -> authHost = value;
                        default -> encoding = value;
                    }
                }
                case "--no-instructions" -> noInstructions = true;
                default -> {
                    if (!a.startsWith("-") && dataDir == null) {
                        dataDir = a;
                    } else {
                        throw new UsageError("unrecognized option '" + a + "'", "Try \"initdb --help\" for more information.");
                    }
                }
            }
        }
        if (dataDir == null) dataDir = env.get("PGDATA");
        if (dataDir == null || dataDir.isEmpty()) {
            throw new UsageError("no data directory specified",
                    "You must identify the directory where the data for this database system will reside.  Do this with either the invocation option -D or the environment variable PGDATA.");
        }
        if (user == null) user = System.getProperty("user.name");
        if (user.isEmpty()) throw new UsageError("superuser name must not be empty", null);
        if (user.startsWith("pg_")) {
            throw new UsageError("superuser name \"" + user + "\" is disallowed; role names cannot begin with \"pg_\"", null);
        }
        if (encoding != null) {
            String canon = Encodings.canonicalName(encoding);
            if (canon == null) throw new UsageError("\"" + encoding + "\" is not a valid server encoding name", null);
            if (!canon.equals("UTF8")) {
                throw new UsageError("encoding \"" + canon + "\" is not supported by pgjava", "pgjava stores all text as UTF8; use -E UTF8.");
            }
        }
        String local = authLocal != null ? authLocal : auth != null ? auth : "trust";
        String host = authHost != null ? authHost : auth != null ? auth : "trust";
        if (!METHODS.contains(local)) throw new UsageError("invalid authentication method \"" + local + "\" for \"local\" connections", null);
        if (!METHODS.contains(host)) throw new UsageError("invalid authentication method \"" + host + "\" for \"host\" connections", null);
        return new Options(Paths.get(dataDir).toAbsolutePath().normalize(), user, pwfile, local, host, noInstructions);
    }

    /** The roles and databases of a new cluster: the bootstrap superuser (OID 10) and the three databases. */
    static AuthData bootstrapAuthData(String superuser, String verifier) {
        return new AuthData(
                List.of(new RoleEntry(10, superuser, true, true, -1, verifier, null, List.of())),
                List.of(new DatabaseEntry(1, "template1", 10, true, true, -1),
                        new DatabaseEntry(4, "template0", 10, false, true, -1),
                        new DatabaseEntry(5, "postgres", 10, true, false, -1)));
    }

    private static String systemTimeZone() {
        String id = ZoneId.systemDefault().getId();
        return id.equals("Z") ? "UTC" : id;
    }

    private static void setMode(Path p) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to do
        }
    }

    private static void writeFile(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not POSIX
        }
    }

    /** fsyncs every file and directory under {@code dir} (initdb's sync_pgdata). */
    private static void fsyncTree(Path dir) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = s.toList();
        }
        for (Path p : all) {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.READ)) {
                ch.force(true);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort, like initdb's cleanup
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    /** A postgresql.conf value: strings and enums quoted ('' doubles a quote), others as SHOW shows them. */
    private static String confValue(SettingDef d, String shown) {
        if (d.type() == SettingType.STRING || d.type() == SettingType.ENUM) return "'" + shown.replace("'", "''") + "'";
        return shown;
    }

    private static final List<String> HEADER_SETTINGS = List.of("listen_addresses", "port", "max_connections",
            "shared_buffers", "unix_socket_directories", "datestyle", "timezone", "log_timezone", "lc_messages",
            "lc_monetary", "lc_numeric", "lc_time");

    /** The postgresql.conf initdb writes. */
    static String postgresqlConf(Settings defaults, String timeZone) {
        StringBuilder b = new StringBuilder();
        b.append("""
                # pgjava configuration file (postgresql.conf syntax)
                #
                # One setting per line: name = value (the "=" is optional); "#" starts a comment.
                # Strings go in single quotes. Memory units: B kB MB GB TB; time units: us ms s min h d.
                # The settings initdb chose are first; every other setting follows, commented out, with its
                # default value. Settings marked "(change requires restart)" take effect at server start;
                # the others on "bin/pgjava reload -D DIR" (SIGHUP) as well.
                # include 'file', include_if_exists 'file' and include_dir 'directory' read more files.

                """);
        Map<String, String> header = new LinkedHashMap<>();
        header.put("listen_addresses", "'localhost'");
        header.put("port", "5432");
        header.put("max_connections", defaults.show("max_connections"));
        header.put("shared_buffers", defaults.show("shared_buffers"));
        header.put("unix_socket_directories", "'/tmp'");
        header.put("datestyle", "'iso, mdy'");
        header.put("timezone", "'" + timeZone + "'");
        header.put("log_timezone", "'" + timeZone + "'");
        header.put("lc_messages", "'C'");
        header.put("lc_monetary", "'C'");
        header.put("lc_numeric", "'C'");
        header.put("lc_time", "'C'");
        for (Map.Entry<String, String> e : header.entrySet()) {
            SettingDef d = defaults.definition(e.getKey());
            b.append(pad(e.getKey() + " = " + e.getValue())).append("# ").append(d.shortDesc());
            if (d.context() == SettingContext.POSTMASTER) b.append(" (change requires restart)");
            b.append('\n');
        }
        String category = null;
        List<SettingDef> defs = new ArrayList<>(defaults.definitions());
        defs.sort((x, y) -> {
            int c = x.category().compareTo(y.category());
            return c != 0 ? c : x.name().compareTo(y.name());
        });
        for (SettingDef d : defs) {
            if (d.context() == SettingContext.INTERNAL || d.noShowAll() || HEADER_SETTINGS.contains(d.name())) continue;
            if (d.name().equals("data_directory") || d.name().equals("config_file") || d.name().equals("hba_file")
                    || d.name().equals("ident_file")) continue;
            if (!d.category().equals(category)) {
                category = d.category();
                b.append("\n#------------------------------------------------------------------------------\n# ")
                        .append(category.toUpperCase(Locale.ROOT))
                        .append("\n#------------------------------------------------------------------------------\n\n");
            }
            b.append(pad("#" + d.displayName() + " = " + confValue(d, defaults.show(d.name())))).append("# ").append(d.shortDesc());
            if (d.context() == SettingContext.POSTMASTER) b.append(" (change requires restart)");
            b.append('\n');
        }
        return b.toString();
    }

    private static String pad(String s) {
        StringBuilder b = new StringBuilder(s);
        do b.append(' '); while (b.length() < 40);
        return b.toString();
    }

    /** The pg_hba.conf initdb writes. */
    static String pgHbaConf(String authLocal, String authHost) {
        return """
                # pgjava client authentication configuration file (pg_hba.conf syntax)
                #
                # One record per line, first match wins:
                #   local   DATABASE  USER  METHOD  [OPTIONS]
                #   host    DATABASE  USER  ADDRESS  METHOD  [OPTIONS]   (also hostnossl, hostssl, ...)
                # DATABASE: all, sameuser, samerole, replication, a name, or a comma-separated list.
                # USER: all, a role name, +role (members of role), or a comma-separated list.
                # ADDRESS: all, samehost, samenet, or an IP address range in CIDR notation
                #          (127.0.0.1/32, ::1/128) or as address and netmask.
                # METHOD: trust, reject, password, md5, scram-sha-256.
                # Quoting a name in double quotes makes it a plain name, never a keyword.
                # The file is re-read on "bin/pgjava reload -D DIR" (SIGHUP).
                #
                # CAUTION: "trust" lets anyone who can connect log in as any role, superusers included.

                # TYPE  DATABASE        USER            ADDRESS                 METHOD

                # "local" is for Unix domain socket connections only
                local   all             all                                     %1$s
                # IPv4 local connections:
                host    all             all             127.0.0.1/32            %2$s
                # IPv6 local connections:
                host    all             all             ::1/128                 %2$s
                # Allow replication connections from localhost, by a user with the
                # replication privilege.
                local   replication     all                                     %1$s
                host    replication     all             127.0.0.1/32            %2$s
                host    replication     all             ::1/128                 %2$s
                """.formatted(authLocal, authHost);
    }
}
