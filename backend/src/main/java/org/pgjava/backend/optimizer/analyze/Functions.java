package org.pgjava.backend.optimizer.analyze;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pgjava.backend.executor.expr.Expr;
import org.pgjava.backend.utils.adt.DateTimes;
import org.pgjava.backend.utils.adt.NumericSpecial;
import org.pgjava.backend.utils.adt.Numerics;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * The built-in functions (pg_proc) pgjava implements, with their signatures and implementations:
 * session information (version, current_database, pg_backend_pid, current_setting), pg_sleep, math and
 * string functions. concat/concat_ws take "any" arguments (converted to text by the analyzer).
 *
 * <p>Entry points: {@link #candidates(String)}, {@link #isKnownUnsupported(String)}.
 */
public final class Functions {
    private Functions() {
    }

    /** The server version string version() returns. */
    public static final String VERSION =
            "PostgreSQL 15.18 (pgjava 0.1.0) on x86_64-pc-linux-gnu, compiled by javac 25, 64-bit";

    /**
     * One function signature. {@code variadicText}: after the fixed arguments any number of arguments of
     * any type follow, passed as text (concat, concat_ws).
     */
    public record FuncDef(String name, int[] args, int result, Expr.FnN fn, boolean strict, boolean variadicText) {
        /** True if the result depends only on the arguments (pg_proc.provolatile 'i'): foldable at plan time. */
        public boolean immutable() {
            return !NOT_IMMUTABLE.contains(name);
        }
    }

    /** Stable or volatile functions: never evaluated at plan time. */
    private static final Set<String> NOT_IMMUTABLE = Set.of("version", "current_database", "current_schema",
            "current_user", "session_user", "pg_backend_pid", "current_setting", "pg_sleep", "pg_cancel_backend",
            "pg_terminate_backend", "random", "gen_random_uuid", "concat", "concat_ws",
            "now", "transaction_timestamp", "statement_timestamp", "clock_timestamp", "date_part", "date_trunc");

    private static final Map<String, List<FuncDef>> FUNCS = new HashMap<>();

    /** Functions PostgreSQL has that pgjava does not implement yet (0A000 instead of 42883). */
    private static final Set<String> UNSUPPORTED = Set.of(
            "set_config", "to_char", "to_number", "to_date", "to_timestamp", "timeofday", "age",
            "array_agg", "string_agg", "count", "sum", "avg", "min", "max", "generate_series", "unnest",
            "array_length", "array_upper", "array_lower", "format", "format_type", "regexp_replace",
            "regexp_match", "regexp_matches", "regexp_split_to_array", "row_number", "rank", "json_build_object",
            "to_json", "jsonb_build_object", "txid_current", "pg_current_xact_id",
            "current_schemas", "has_table_privilege", "pg_get_userbyid", "obj_description", "col_description",
            "pg_table_is_visible", "pg_get_expr", "pg_get_indexdef", "pg_get_constraintdef", "inet_client_addr", "inet_server_addr", "pg_postmaster_start_time",
            "encode", "decode", "quote_ident", "quote_literal", "translate", "sha256", "pg_advisory_lock",
            "bool_and", "bool_or", "every", "stddev", "variance", "lag", "lead", "string_to_array",
            "array_to_string", "pg_size_pretty", "pg_database_size", "pg_relation_size", "nextval", "currval",
            "setval", "lastval", "date", "extract", "make_timestamp", "make_interval", "justify_days");

    /** True for a function PostgreSQL has that pgjava answers with 0A000. */
    public static boolean isKnownUnsupported(String name) {
        return UNSUPPORTED.contains(name);
    }

    /** All signatures with this name (empty if none). */
    public static List<FuncDef> candidates(String name) {
        return FUNCS.getOrDefault(name, List.of());
    }

    /**
     * pg_terminate_backend(pid, timeout): signals, then with a positive timeout waits (checking for
     * interrupts, so terminating oneself ends here with 57P01) until the process has exited: true, or after
     * {@code timeoutMillis} a WARNING {@code backend with PID n did not terminate within t milliseconds} and
     * false. A negative timeout is 22023 before anything else, as in PostgreSQL.
     */
    private static boolean terminateBackend(int pid, long timeoutMillis, org.pgjava.backend.executor.expr.ExprContext c) {
        if (timeoutMillis < 0) {
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "\"timeout\" must not be negative");
        }
        if (!c.session().signalBackend(pid, true)) {
            return false;
        }
        if (timeoutMillis == 0) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            c.session().checkForInterrupts();
            if (!c.session().processExists(pid)) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                c.session().notice(new PgException(org.pgjava.conf.errors.Severity.WARNING, SqlState.WARNING,
                        "backend with PID " + pid + " did not terminate within " + timeoutMillis + " milliseconds"));
                return false;
            }
            try {
                Thread.sleep(Math.min(10, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw PgException.error(SqlState.QUERY_CANCELED, "canceling statement due to user request");
            }
        }
    }

    private static void fn(String name, int result, boolean strict, Expr.FnN f, int... args) {
        FUNCS.computeIfAbsent(name, k -> new ArrayList<>()).add(new FuncDef(name, args, result, f, strict, false));
    }

    private static void f1(String name, int arg, int result, Expr.Fn1 f) {
        fn(name, result, true, (a, c) -> f.apply(a[0]), arg);
    }

    private static void f2(String name, int a1, int a2, int result, Expr.Fn2 f) {
        fn(name, result, true, (a, c) -> f.apply(a[0], a[1]), a1, a2);
    }

    private static String s(Object o) {
        return (String) o;
    }

    private static int i(Object o) {
        return ((Number) o).intValue();
    }

    private static int len(String s) {
        return s.codePointCount(0, s.length());
    }

    /** Substring by code points, PostgreSQL semantics for start &lt; 1 and negative lengths. */
    static String substr(String s, long start, Long count) {
        if (count != null && count < 0) {
            throw PgException.error(SqlState.SUBSTRING_ERROR, "negative substring length not allowed");
        }
        long n = len(s);
        long from = start;
        long to = count == null ? Long.MAX_VALUE : start + count; // exclusive
        if (count != null && start + count < start) {
            to = Long.MAX_VALUE;
        }
        from = Math.max(from, 1);
        to = Math.min(to, n + 1);
        if (from >= to) {
            return "";
        }
        int b = s.offsetByCodePoints(0, (int) (from - 1));
        int e = s.offsetByCodePoints(0, (int) (to - 1));
        return s.substring(b, e);
    }

    private static String trim(String s, String chars, boolean left, boolean right) {
        int b = 0;
        int e = s.length();
        if (left) {
            while (b < e && chars.indexOf(s.charAt(b)) >= 0) {
                b++;
            }
        }
        if (right) {
            while (e > b && chars.indexOf(s.charAt(e - 1)) >= 0) {
                e--;
            }
        }
        return s.substring(b, e);
    }

    private static String pad(String s, int n, String fill, boolean left) {
        int l = len(s);
        if (n <= 0) {
            return "";
        }
        if (l >= n) {
            return s.substring(0, s.offsetByCodePoints(0, n));
        }
        if (fill.isEmpty()) {
            return s;
        }
        StringBuilder p = new StringBuilder();
        int need = n - l;
        int k = 0;
        while (need > 0) {
            int cp = fill.codePointAt(k);
            p.appendCodePoint(cp);
            k += Character.charCount(cp);
            if (k >= fill.length()) {
                k = 0;
            }
            need--;
        }
        return left ? p + s : s + p;
    }

    private static PgException logError(String msg) {
        return PgException.error(SqlState.INVALID_ARGUMENT_FOR_LOGARITHM, msg);
    }

    static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    static {
        int T = Types.TEXT;
        int I4 = Types.INT4;
        int I8 = Types.INT8;
        int I2 = Types.INT2;
        int F8 = Types.FLOAT8;
        int F4 = Types.FLOAT4;
        int N = Types.NUMERIC;
        fn("version", T, true, (a, c) -> VERSION);
        fn("current_database", Types.NAME, true, (a, c) -> c.session().databaseName());
        fn("current_schema", Types.NAME, true, (a, c) -> "public");
        fn("current_user", Types.NAME, true, (a, c) -> c.session().currentUser());
        fn("session_user", Types.NAME, true, (a, c) -> c.session().sessionUser());
        fn("pg_backend_pid", I4, true, (a, c) -> c.session().backendPid());
        fn("current_setting", T, true, (a, c) -> c.session().setting(s(a[0])), T);
        fn("current_setting", T, true, (a, c) -> {
            try {
                return c.session().setting(s(a[0]));
            } catch (PgException e) {
                if ((Boolean) a[1] && e.sqlState() == SqlState.UNDEFINED_OBJECT) {
                    return null;
                }
                throw e;
            }
        }, T, Types.BOOL);
        fn("pg_sleep", Types.VOID, true, (a, c) -> {
            double secs = (Double) a[0];
            long end = System.nanoTime() + (long) (secs * 1e9);
            c.session().reportWaitStart(org.pgjava.shmem.status.WaitEvent.PG_SLEEP);
            try {
                while (true) {
                    c.session().checkForInterrupts();
                    long left = end - System.nanoTime();
                    if (left <= 0 || Double.isNaN(secs)) {
                        break;
                    }
                    try {
                        Thread.sleep(Math.min(5, Math.max(1, left / 1_000_000)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw PgException.error(SqlState.QUERY_CANCELED, "canceling statement due to user request");
                    }
                }
            } finally {
                c.session().reportWaitEnd();
            }
            return "";
        }, F8);
        fn("pg_cancel_backend", Types.BOOL, true, (a, c) -> c.session().signalBackend((Integer) a[0], false), I4);
        fn("pg_terminate_backend", Types.BOOL, true, (a, c) -> terminateBackend((Integer) a[0], 0, c), I4);
        fn("pg_terminate_backend", Types.BOOL, true,
                (a, c) -> terminateBackend((Integer) a[0], (Long) a[1], c), I4, I8);
        fn("pi", F8, true, (a, c) -> Math.PI);
        dateTimeFunctions();
        fn("gen_random_uuid", Types.UUID, true, (a, c) -> java.util.UUID.randomUUID());
        fn("random", F8, true, (a, c) -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());

        // math
        for (int t : new int[] {I2, I4, I8}) {
            f1("abs", t, t, a -> {
                long v = ((Number) a).longValue();
                if (v == Long.MIN_VALUE) {
                    throw Casts.intOutOfRange(I8);
                }
                return Casts.boxInt(Math.abs(v), t);
            });
            f2("mod", t, t, t, (a, b) -> {
                long y = ((Number) b).longValue();
                if (y == 0) {
                    throw Operators.divByZero();
                }
                return Casts.boxInt(y == -1 ? 0 : ((Number) a).longValue() % y, t);
            });
        }
        f1("abs", F8, F8, a -> Math.abs((Double) a));
        f1("abs", F4, F4, a -> Math.abs((Float) a));
        f1("abs", N, N, Numerics::abs);
        f2("mod", N, N, N, Numerics::mod);
        f2("div", N, N, N, Numerics::divTrunc);
        f1("round", F8, F8, a -> Math.rint((Double) a));
        f1("round", N, N, a -> Numerics.round(a, 0));
        f2("round", N, I4, N, (a, b) -> Numerics.round(a, i(b)));
        f1("trunc", F8, F8, a -> {
            double d = (Double) a;
            return d < 0 ? Math.ceil(d) : Math.floor(d);
        });
        f1("trunc", N, N, a -> Numerics.trunc(a, 0));
        f2("trunc", N, I4, N, (a, b) -> Numerics.trunc(a, i(b)));
        for (String name : new String[] {"ceil", "ceiling"}) {
            f1(name, F8, F8, a -> Math.ceil((Double) a));
            f1(name, N, N, a -> Numerics.ceilFloor(a, true));
        }
        f1("floor", F8, F8, a -> Math.floor((Double) a));
        f1("floor", N, N, a -> Numerics.ceilFloor(a, false));
        f1("sign", F8, F8, a -> Math.signum((Double) a));
        f1("sign", N, N, Numerics::sign);
        f1("sqrt", F8, F8, a -> {
            double x = (Double) a;
            if (x < 0) {
                throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION, "cannot take square root of a negative number");
            }
            return Math.sqrt(x);
        });
        f1("sqrt", N, N, Numerics::sqrt);
        f1("cbrt", F8, F8, a -> Math.cbrt((Double) a));
        for (String name : new String[] {"power", "pow"}) {
            f2(name, F8, F8, F8, (a, b) -> Operators.pow((Double) a, (Double) b));
            f2(name, N, N, N, Numerics::power);
        }
        f1("exp", F8, F8, a -> {
            double r = Math.exp((Double) a);
            if (Double.isInfinite(r) && !Double.isInfinite((Double) a)) {
                throw Operators.floatOverflow();
            }
            return r;
        });
        f1("ln", F8, F8, a -> {
            double x = (Double) a;
            if (x == 0) {
                throw logError("cannot take logarithm of zero");
            }
            if (x < 0) {
                throw logError("cannot take logarithm of a negative number");
            }
            return Math.log(x);
        });
        for (String name : new String[] {"log", "log10"}) {
            f1(name, F8, F8, a -> {
                double x = (Double) a;
                if (x == 0) {
                    throw logError("cannot take logarithm of zero");
                }
                if (x < 0) {
                    throw logError("cannot take logarithm of a negative number");
                }
                return Math.log10(x);
            });
        }
        f1("degrees", F8, F8, a -> Math.toDegrees((Double) a));
        f1("radians", F8, F8, a -> Math.toRadians((Double) a));
        for (int t : new int[] {I4, I8}) {
            f2("gcd", t, t, t, (a, b) -> {
                long g = Math.abs(gcd(((Number) a).longValue(), ((Number) b).longValue()));
                return Casts.boxInt(g, t);
            });
            f2("lcm", t, t, t, (a, b) -> {
                long x = ((Number) a).longValue();
                long y = ((Number) b).longValue();
                if (x == 0 || y == 0) {
                    return Casts.boxInt(0, t);
                }
                long g = gcd(x, y);
                try {
                    return Casts.boxInt(Math.abs(Math.multiplyExact(x / g, y)), t);
                } catch (ArithmeticException e) {
                    throw Casts.intOutOfRange(t);
                }
            });
        }
        f2("gcd", N, N, N, (a, b) -> {
            if (a instanceof NumericSpecial || b instanceof NumericSpecial) {
                return NumericSpecial.NAN;
            }
            BigDecimal x = (BigDecimal) a;
            BigDecimal y = (BigDecimal) b;
            int sc = Math.max(x.scale(), y.scale());
            BigInteger g = x.setScale(sc).unscaledValue().gcd(y.setScale(sc).unscaledValue());
            return new BigDecimal(g, sc);
        });

        // strings
        for (String name : new String[] {"length", "char_length", "character_length"}) {
            f1(name, T, I4, a -> len(s(a)));
        }
        f1("length", Types.BPCHAR, I4, a -> len(Casts.rtrimSpaces(s(a))));
        f1("length", Types.BYTEA, I4, a -> ((byte[]) a).length);
        f1("octet_length", T, I4, a -> s(a).getBytes(StandardCharsets.UTF_8).length);
        f1("octet_length", Types.BYTEA, I4, a -> ((byte[]) a).length);
        f1("bit_length", T, I4, a -> s(a).getBytes(StandardCharsets.UTF_8).length * 8);
        f1("upper", T, T, a -> asciiUpper(s(a)));
        f1("lower", T, T, a -> asciiLower(s(a)));
        f1("initcap", T, T, a -> {
            StringBuilder sb = new StringBuilder();
            boolean start = true;
            for (char ch : s(a).toCharArray()) {
                boolean alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
                if (start) {
                    sb.append(ch >= 'a' && ch <= 'z' ? (char) (ch - 32) : ch);
                } else {
                    sb.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch);
                }
                start = !alnum && ch < 0x80;
            }
            return sb.toString();
        });
        for (String name : new String[] {"substr", "substring"}) {
            f2(name, T, I4, T, (a, b) -> substr(s(a), i(b), null));
            fn(name, T, true, (a, c) -> substr(s(a[0]), i(a[1]), (long) i(a[2])), T, I4, I4);
        }
        f2("position", T, T, I4, (a, b) -> strpos(s(a), s(b)));
        f2("strpos", T, T, I4, (a, b) -> strpos(s(a), s(b)));
        f1("btrim", T, T, a -> trim(s(a), " ", true, true));
        f1("ltrim", T, T, a -> trim(s(a), " ", true, false));
        f1("rtrim", T, T, a -> trim(s(a), " ", false, true));
        f2("btrim", T, T, T, (a, b) -> trim(s(a), s(b), true, true));
        f2("ltrim", T, T, T, (a, b) -> trim(s(a), s(b), true, false));
        f2("rtrim", T, T, T, (a, b) -> trim(s(a), s(b), false, true));
        fn("replace", T, true, (a, c) -> s(a[1]).isEmpty() ? s(a[0]) : s(a[0]).replace(s(a[1]), s(a[2])), T, T, T);
        f2("repeat", T, I4, T, (a, b) -> i(b) <= 0 ? "" : s(a).repeat(i(b)));
        f2("left", T, I4, T, (a, b) -> {
            String x = s(a);
            int n = i(b);
            int l = len(x);
            int k = n >= 0 ? Math.min(n, l) : Math.max(0, l + n);
            return x.substring(0, x.offsetByCodePoints(0, k));
        });
        f2("right", T, I4, T, (a, b) -> {
            String x = s(a);
            int n = i(b);
            int l = len(x);
            int k = n >= 0 ? Math.min(n, l) : Math.max(0, l + n);
            return x.substring(x.offsetByCodePoints(0, l - k));
        });
        f2("lpad", T, I4, T, (a, b) -> pad(s(a), i(b), " ", true));
        f2("rpad", T, I4, T, (a, b) -> pad(s(a), i(b), " ", false));
        fn("lpad", T, true, (a, c) -> pad(s(a[0]), i(a[1]), s(a[2]), true), T, I4, T);
        fn("rpad", T, true, (a, c) -> pad(s(a[0]), i(a[1]), s(a[2]), false), T, I4, T);
        f1("reverse", T, T, a -> new StringBuilder(s(a)).reverse().toString());
        f1("md5", T, T, a -> md5(s(a).getBytes(StandardCharsets.UTF_8)));
        f1("md5", Types.BYTEA, T, a -> md5((byte[]) a));
        f1("ascii", T, I4, a -> s(a).isEmpty() ? 0 : s(a).codePointAt(0));
        f1("chr", I4, T, a -> {
            int cp = i(a);
            if (cp == 0) {
                throw PgException.error(SqlState.PROGRAM_LIMIT_EXCEEDED, "null character not permitted");
            }
            if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                throw PgException.error(SqlState.PROGRAM_LIMIT_EXCEEDED, "requested character too large for encoding: " + cp);
            }
            return new String(Character.toChars(cp));
        });
        f2("starts_with", T, T, Types.BOOL, (a, b) -> s(a).startsWith(s(b)));
        fn("split_part", T, true, (a, c) -> {
            String str = s(a[0]);
            String d = s(a[1]);
            int n = i(a[2]);
            if (n == 0) {
                throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "field position must not be zero");
            }
            List<String> parts = new ArrayList<>();
            if (d.isEmpty()) {
                parts.add(str);
            } else {
                int from = 0;
                while (true) {
                    int k = str.indexOf(d, from);
                    if (k < 0) {
                        parts.add(str.substring(from));
                        break;
                    }
                    parts.add(str.substring(from, k));
                    from = k + d.length();
                }
            }
            if (str.isEmpty()) {
                return "";
            }
            int idx = n > 0 ? n - 1 : parts.size() + n;
            return idx >= 0 && idx < parts.size() ? parts.get(idx) : "";
        }, T, T, I4);
        f1("to_hex", I4, T, a -> Integer.toHexString(i(a)));
        f1("to_hex", I8, T, a -> Long.toHexString((Long) a));
        FUNCS.computeIfAbsent("concat", k -> new ArrayList<>()).add(new FuncDef("concat", new int[0], T, (a, c) -> {
            StringBuilder sb = new StringBuilder();
            for (Object o : a) {
                if (o != null) {
                    sb.append((String) o);
                }
            }
            return sb.toString();
        }, false, true));
        FUNCS.computeIfAbsent("concat_ws", k -> new ArrayList<>()).add(new FuncDef("concat_ws", new int[] {T}, T, (a, c) -> {
            if (a[0] == null) {
                return null;
            }
            StringBuilder sb = new StringBuilder();
            boolean first = true;
            for (int k = 1; k < a.length; k++) {
                if (a[k] != null) {
                    if (!first) {
                        sb.append((String) a[0]);
                    }
                    sb.append((String) a[k]);
                    first = false;
                }
            }
            return sb.toString();
        }, false, true));
    }

    /**
     * Case mapping of the C locale (pgjava's databases use LC_CTYPE C, like the reference server): only
     * ASCII letters change.
     */
    public static String asciiUpper(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] >= 'a' && c[i] <= 'z') {
                c[i] = (char) (c[i] - 32);
            }
        }
        return new String(c);
    }

    /** C-locale lower-casing: only ASCII letters change. */
    public static String asciiLower(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] >= 'A' && c[i] <= 'Z') {
                c[i] = (char) (c[i] + 32);
            }
        }
        return new String(c);
    }

    private static int strpos(String s, String sub) {
        int k = s.indexOf(sub);
        return k < 0 ? 0 : s.codePointCount(0, k) + 1;
    }

    private static String md5(byte[] b) {
        try {
            byte[] h = MessageDigest.getInstance("MD5").digest(b);
            StringBuilder sb = new StringBuilder();
            for (byte x : h) {
                sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
            }
            return sb.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * now(), transaction_timestamp(), statement_timestamp(), clock_timestamp(), date_part, date_trunc,
     * make_date. date_part and date_trunc on timestamptz read the session's TimeZone.
     */
    /**
     * The SQL value functions CURRENT_DATE, CURRENT_TIMESTAMP[(p)], LOCALTIMESTAMP[(p)] as expressions (the
     * transaction start time; precision -1 for none, above 6 means 6), or null for the ones pgjava does not
     * build (CURRENT_TIME, LOCALTIME: no time type) and unknown names.
     */
    public static Expr dateTimeValueFunction(String name, int precision) {
        int p = Math.min(precision, 6);
        return switch (name) {
            case "current_date" -> new Expr.Call(Types.DATE, (a, c) -> DateTimes.timestamptzToDate(
                    c.session().transactionStartTimestamp(), DateTimes.sessionZone(c.session())), List.of(), false);
            case "current_timestamp" -> {
                Expr call = new Expr.Call(Types.TIMESTAMPTZ, (a, c) -> c.session().transactionStartTimestamp(), List.of(), false);
                yield p < 0 ? call : new Expr.Unary(Types.TIMESTAMPTZ, p, v -> DateTimes.roundToPrecision((Long) v, p), call);
            }
            case "localtimestamp" -> {
                Expr call = new Expr.Call(Types.TIMESTAMP, (a, c) -> DateTimes.timestamptzToTimestamp(
                        c.session().transactionStartTimestamp(), DateTimes.sessionZone(c.session())), List.of(), false);
                yield p < 0 ? call : new Expr.Unary(Types.TIMESTAMP, p, v -> DateTimes.roundToPrecision((Long) v, p), call);
            }
            default -> null;
        };
    }

    /** The body of a signature PostgreSQL has on a type pgjava does not compute with: 0A000 when called. */
    private static Expr.FnN notBuilt(String signature) {
        return (a, c) -> {
            throw PgException.notSupported("function " + signature + " is not supported yet");
        };
    }

    private static void dateTimeFunctions() {
        int tz = Types.TIMESTAMPTZ;
        int ts = Types.TIMESTAMP;
        int T = Types.TEXT;
        fn("now", tz, true, (a, c) -> c.session().transactionStartTimestamp());
        fn("transaction_timestamp", tz, true, (a, c) -> c.session().transactionStartTimestamp());
        fn("statement_timestamp", tz, true, (a, c) -> c.session().statementStartTimestamp());
        fn("clock_timestamp", tz, true, (a, c) -> DateTimes.fromInstant(java.time.Instant.now()));
        fn("date_part", Types.FLOAT8, true, (a, c) -> DateTimes.datePart(s(a[0]), (Long) a[1], null), T, ts);
        fn("date_part", Types.FLOAT8, true, (a, c) -> DateTimes.datePart(s(a[0]), (Long) a[1],
                DateTimes.sessionZone(c.session())), T, tz);
        fn("date_part", Types.FLOAT8, true, (a, c) -> DateTimes.datePart(s(a[0]),
                DateTimes.dateToTimestamp((Integer) a[1]), null), T, Types.DATE);
        fn("date_part", Types.FLOAT8, true, notBuilt("date_part(text, interval)"), T, Types.INTERVAL);
        fn("date_part", Types.FLOAT8, true, notBuilt("date_part(text, time without time zone)"), T, Types.TIME);
        fn("date_part", Types.FLOAT8, true, notBuilt("date_part(text, time with time zone)"), T, Types.TIMETZ);
        fn("date_trunc", ts, true, (a, c) -> DateTimes.dateTrunc(s(a[0]), (Long) a[1], null), T, ts);
        fn("date_trunc", tz, true, (a, c) -> DateTimes.dateTrunc(s(a[0]), (Long) a[1],
                DateTimes.sessionZone(c.session())), T, tz);
        fn("date_trunc", tz, true, (a, c) -> {
            java.time.ZoneId z = DateTimes.zoneByNameOrError(s(a[2]));
            return DateTimes.dateTrunc(s(a[0]), (Long) a[1], z);
        }, T, tz, T);
        fn("date_trunc", Types.INTERVAL, true, notBuilt("date_trunc(text, interval)"), T, Types.INTERVAL);
        fn("make_date", Types.DATE, true, (a, c) -> DateTimes.makeDate((Integer) a[0], (Integer) a[1], (Integer) a[2]),
                Types.INT4, Types.INT4, Types.INT4);
    }
}
