package org.pgjava.tests.durability;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the clients of a durability test know about their transactions, and the check of a table against
 * it after a crash. Every transaction inserts rows {@code (client, txn, seq)} for seq 0..rows-1 into
 * table {@value #TABLE}; (client, txn) is unique over the whole test.
 *
 * <p>States: {@link State#OPEN} (statements sent, COMMIT not yet sent — must be absent after a crash),
 * {@link State#ROLLED_BACK} (must be absent), {@link State#IN_FLIGHT} (COMMIT, or the single autocommit
 * statement, sent and not acknowledged — all rows or none), {@link State#ACKED} (COMMIT acknowledged —
 * every row present). {@link #verify(Connection)} resolves in-flight transactions to ACKED or
 * ROLLED_BACK by what it finds, so a later crash must keep that outcome.
 *
 * <p>Entry points: {@link #createTable(Connection)}, {@link #begin}, {@link #set}, {@link #verify(Connection)}.
 * Thread-safe (clients update their own entries concurrently).
 */
final class CommitLedger {
    static final String TABLE = "durable";

    enum State { OPEN, IN_FLIGHT, ACKED, ROLLED_BACK }

    /** One transaction: how many rows it inserts and what the client knows of its fate. */
    static final class Txn {
        final int client;
        final int txn;
        final int rows;
        volatile State state = State.OPEN;

        Txn(int client, int txn, int rows) {
            this.client = client;
            this.txn = txn;
            this.rows = rows;
        }

        @Override
        public String toString() {
            return "(client " + client + ", txn " + txn + ", " + rows + " rows, " + state + ")";
        }
    }

    private final Map<Long, Txn> txns = new ConcurrentHashMap<>();

    private static long key(int client, int txn) {
        return ((long) client << 32) | (txn & 0xffffffffL);
    }

    static void createTable(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + TABLE + " (client int, txn int, seq int, payload text)");
        }
    }

    /** Registers a new transaction (state OPEN). */
    Txn begin(int client, int txn, int rows) {
        Txn t = new Txn(client, txn, rows);
        if (txns.putIfAbsent(key(client, txn), t) != null) {
            throw new IllegalStateException("transaction registered twice: " + t);
        }
        return t;
    }

    void set(Txn t, State s) {
        t.state = s;
    }

    /** Counts by state. */
    Map<State, Integer> census() {
        Map<State, Integer> m = new TreeMap<>();
        for (Txn t : txns.values()) {
            m.merge(t.state, 1, Integer::sum);
        }
        return m;
    }

    /** Result of a verification: what was resolved, and every violation found (empty = all good). */
    record Verdict(int rowsSeen, int inFlightCommitted, int inFlightLost, List<String> violations) {
    }

    /**
     * Reads the whole table and checks it against the ledger: no duplicate (client, txn, seq); every ACKED
     * transaction complete; OPEN and ROLLED_BACK ones absent; IN_FLIGHT ones complete or absent (then
     * resolved); no row of an unknown transaction; and count(*)/sum(seq) computed by the server agree with
     * the rows read. Precondition: no client is running.
     */
    Verdict verify(Connection c) throws SQLException {
        Map<Long, List<Integer>> found = new HashMap<>();
        List<String> bad = new ArrayList<>();
        long rows = 0;
        long seqSum = 0;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT client, txn, seq FROM " + TABLE + " ORDER BY client, txn, seq")) {
            while (rs.next()) {
                int client = rs.getInt(1);
                int txn = rs.getInt(2);
                int seq = rs.getInt(3);
                found.computeIfAbsent(key(client, txn), k -> new ArrayList<>()).add(seq);
                rows++;
                seqSum += seq;
            }
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), sum(seq), min(txn) >= 0 FROM " + TABLE)) {
            rs.next();
            if (rs.getLong(1) != rows || rs.getLong(2) != seqSum) {
                bad.add("count(*)/sum(seq) = " + rs.getLong(1) + "/" + rs.getLong(2) + " but the rows read give "
                        + rows + "/" + seqSum);
            }
        }
        int committed = 0;
        int lost = 0;
        for (Map.Entry<Long, List<Integer>> e : found.entrySet()) {
            if (!txns.containsKey(e.getKey())) {
                bad.add("rows of a transaction no client ran: client " + (e.getKey() >> 32) + " txn "
                        + (int) (long) e.getKey() + " seqs " + e.getValue());
            }
        }
        for (Txn t : txns.values()) {
            List<Integer> seqs = found.getOrDefault(key(t.client, t.txn), List.of());
            boolean complete = seqs.size() == t.rows;
            for (int i = 0; complete && i < t.rows; i++) {
                complete = seqs.get(i) == i;
            }
            if (!complete && !seqs.isEmpty()) {
                bad.add(seqs.size() > t.rows || hasDuplicates(seqs) ? "duplicated rows of " + t + ": seqs " + seqs
                        : "partial transaction " + t + ": seqs " + seqs);
                continue;
            }
            switch (t.state) {
                case ACKED -> {
                    if (!complete) {
                        bad.add("acknowledged commit lost: " + t);
                    }
                }
                case OPEN, ROLLED_BACK -> {
                    if (!seqs.isEmpty()) {
                        bad.add("rows of a transaction that never committed: " + t + " seqs " + seqs);
                    }
                }
                case IN_FLIGHT -> {
                    if (complete) {
                        t.state = State.ACKED;
                        committed++;
                    } else {
                        t.state = State.ROLLED_BACK;
                        lost++;
                    }
                }
            }
        }
        if (bad.size() > 40) {
            int n = bad.size();
            bad = new ArrayList<>(bad.subList(0, 40));
            bad.add("... " + (n - 40) + " more violations");
        }
        return new Verdict((int) rows, committed, lost, bad);
    }

    private static boolean hasDuplicates(List<Integer> seqs) {
        return seqs.stream().distinct().count() != seqs.size();
    }
}
