package org.pgjava.backend.tcop;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;

/**
 * The StartupMessage's {@code options} parameter (libpq's PGOPTIONS), turned into settings as PostgreSQL's
 * pg_split_opts + process_postgres_switches do for a client connection.
 *
 * <p>Rules:
 * <ol>
 *   <li>The string splits at unescaped whitespace; a backslash makes the next character literal
 *       ({@code -c application_name=a\ b}).</li>
 *   <li>{@code -c name=value}, {@code -cname=value} and {@code --name=value} set a setting; in the name,
 *       '-' stands for '_'. A missing value is FATAL 42601 {@code -c name requires a value} /
 *       {@code --name requires a value}.</li>
 *   <li>The short switches of the postgres command line map to settings: {@code -B} shared_buffers,
 *       {@code -d N} log_min_messages, {@code -e} DateStyle euro, {@code -F} fsync off, {@code -f s|i|o|b|t|n|m|h}
 *       enable_* off, {@code -h} listen_addresses, {@code -i}, {@code -k} unix_socket_directories, {@code -l} ssl,
 *       {@code -N} max_connections, {@code -O} allow_system_table_mods, {@code -P} ignore_system_indexes,
 *       {@code -p} port, {@code -S} work_mem, {@code -s} log_statement_stats, {@code -t pa|pl|ex} log_*_stats,
 *       {@code -W} post_auth_delay. Switches PostgreSQL honours only from the postmaster's own command line
 *       ({@code -b -C -D -E -j -n -r -T -v}) are accepted and ignored, as for a client there.</li>
 *   <li>Anything else (a word that is not a switch, an unknown switch, a switch missing its argument) is
 *       FATAL 42601 {@code invalid command-line argument for server process: x} with PostgreSQL's hint.</li>
 * </ol>
 */
final class StartupOptions {
    private StartupOptions() {
    }

    /** A setting assignment from the options string, in order. */
    record Assignment(String name, String value) {
    }

    private static final Map<Character, String> VALUE_SWITCHES = Map.of(
            'B', "shared_buffers", 'h', "listen_addresses", 'k', "unix_socket_directories",
            'N', "max_connections", 'p', "port", 'S', "work_mem", 'W', "post_auth_delay");

    /** pg_split_opts: whitespace-separated words with backslash escapes. */
    static List<String> split(String options) {
        List<String> words = new ArrayList<>();
        int i = 0, n = options.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(options.charAt(i))) i++;
            if (i >= n) break;
            StringBuilder w = new StringBuilder();
            while (i < n && !Character.isWhitespace(options.charAt(i))) {
                char c = options.charAt(i);
                if (c == '\\') {
                    i++;
                    if (i < n) w.append(options.charAt(i));
                    else break;
                } else {
                    w.append(c);
                }
                i++;
            }
            words.add(w.toString());
        }
        return words;
    }

    /**
     * Parses the options string into setting assignments.
     *
     * @throws PgException FATAL 42601 for malformed switches (PostgreSQL's texts)
     */
    static List<Assignment> parse(String options) {
        List<String> words = split(options);
        List<Assignment> out = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.length() < 2 || w.charAt(0) != '-') throw invalidArgument(w);
            char flag = w.charAt(1);
            String inlineArg = w.length() > 2 ? w.substring(2) : null;
            boolean takesArg = "BCcDdfhkNprStvW-".indexOf(flag) >= 0;
            String arg = null;
            if (takesArg) {
                if (inlineArg != null) {
                    arg = inlineArg;
                } else if (flag == '-') {
                    throw invalidArgument(w);
                } else if (i + 1 < words.size()) {
                    arg = words.get(++i);
                } else {
                    throw invalidArgument(w);
                }
            } else if (inlineArg != null) {
                throw invalidArgument(w);
            }
            switch (flag) {
                case 'c', '-' -> {
                    int eq = arg.indexOf('=');
                    if (eq < 0) {
                        throw PgException.fatal(SqlState.SYNTAX_ERROR,
                                (flag == '-' ? "--" : "-c ") + arg + " requires a value");
                    }
                    out.add(new Assignment(arg.substring(0, eq).replace('-', '_'), arg.substring(eq + 1)));
                }
                case 'd' -> {
                    int level;
                    try {
                        level = Integer.parseInt(arg.trim());
                    } catch (NumberFormatException e) {
                        level = 0;
                    }
                    out.add(new Assignment("log_min_messages",
                            level > 0 ? "debug" + Math.min(level, 5) : "notice"));
                }
                case 'e' -> out.add(new Assignment("datestyle", "euro"));
                case 'F' -> out.add(new Assignment("fsync", "off"));
                case 'f' -> {
                    String setting = switch (arg.isEmpty() ? ' ' : arg.charAt(0)) {
                        case 's' -> "enable_seqscan";
                        case 'i' -> "enable_indexscan";
                        case 'o' -> "enable_indexonlyscan";
                        case 'b' -> "enable_bitmapscan";
                        case 't' -> "enable_tidscan";
                        case 'n' -> "enable_nestloop";
                        case 'm' -> "enable_mergejoin";
                        case 'h' -> "enable_hashjoin";
                        default -> throw invalidArgument(w);
                    };
                    out.add(new Assignment(setting, "off"));
                }
                case 'i' -> out.add(new Assignment("listen_addresses", "*"));
                case 'l' -> out.add(new Assignment("ssl", "on"));
                case 'O' -> out.add(new Assignment("allow_system_table_mods", "on"));
                case 'P' -> out.add(new Assignment("ignore_system_indexes", "on"));
                case 's' -> out.add(new Assignment("log_statement_stats", "on"));
                case 't' -> {
                    String a = arg.toLowerCase(Locale.ROOT);
                    String setting = a.startsWith("pa") ? "log_parser_stats"
                            : a.startsWith("pl") ? "log_planner_stats"
                            : a.startsWith("e") ? "log_executor_stats" : null;
                    if (setting == null) throw invalidArgument(w);
                    out.add(new Assignment(setting, "on"));
                }
                case 'b', 'C', 'D', 'E', 'j', 'n', 'r', 'T', 'v' -> {
                    // honoured only on the postmaster's own command line (PostgreSQL's "secure" switches)
                }
                default -> {
                    String setting = VALUE_SWITCHES.get(flag);
                    if (setting == null) throw invalidArgument(w);
                    out.add(new Assignment(setting, arg));
                }
            }
        }
        return out;
    }

    private static PgException invalidArgument(String word) {
        return new PgException(Severity.FATAL, SqlState.SYNTAX_ERROR,
                "invalid command-line argument for server process: " + word)
                .withHint("Try \"postgres --help\" for more information.");
    }
}
