package org.pgjava.tests.durability;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrent committing clients for the durability tests: each client is a thread with its own pgjdbc
 * connection that loops over transactions of four shapes — one autocommit single-row INSERT, one autocommit
 * multi-row INSERT, BEGIN + 1-3 INSERTs + COMMIT, and the same ended by ROLLBACK — recording every step in
 * a {@link CommitLedger} (the state is set before the statement that changes it is sent, and ACKED only once
 * COMMIT returned). A client stops at the first SQLException (its connection died in the crash) or when
 * asked to.
 *
 * <p>Entry points: {@link #start()}, {@link #backendPids()}, {@link #acked()}, {@link #stopAndJoin()}.
 */
final class CommitWorkload {
    private final DbNode node;
    private final CommitLedger ledger;
    private final int firstClient;
    private final int clients;
    private final long seed;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger acked = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();
    private final List<Throwable> unexpected = new ArrayList<>();

    /** Clients are numbered firstClient .. firstClient+clients-1 (unique over the whole test). */
    CommitWorkload(DbNode node, CommitLedger ledger, int firstClient, int clients, long seed) {
        this.node = node;
        this.ledger = ledger;
        this.firstClient = firstClient;
        this.clients = clients;
        this.seed = seed;
    }

    /** Connects every client (so their backend pids are known), then starts them. */
    void start() throws SQLException {
        List<Connection> conns = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Connection c = node.connect();
            conns.add(c);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pids.add(rs.getLong(1));
            }
        }
        for (int i = 0; i < clients; i++) {
            int client = firstClient + i;
            Connection c = conns.get(i);
            Random rnd = new Random(seed * 31 + client);
            Thread t = Thread.ofPlatform().daemon().name("durability-client-" + client).start(() -> loop(client, c, rnd));
            threads.add(t);
        }
    }

    List<Long> backendPids() {
        return List.copyOf(pids);
    }

    /** Transactions acknowledged so far. */
    int acked() {
        return acked.get();
    }

    /** Unexpected non-SQL failures of the client threads (bugs of the test). */
    synchronized List<Throwable> unexpected() {
        return List.copyOf(unexpected);
    }

    private void loop(int client, Connection c, Random rnd) {
        String pad = "p".repeat(20 + rnd.nextInt(60));
        try (c; Statement st = c.createStatement()) {
            for (int txn = 0; !stop.get(); txn++) {
                int shape = rnd.nextInt(100);
                if (shape < 35) {
                    CommitLedger.Txn t = ledger.begin(client, txn, 1);
                    ledger.set(t, CommitLedger.State.IN_FLIGHT);
                    st.executeUpdate(insert(client, txn, 0, 1, pad));
                    ledger.set(t, CommitLedger.State.ACKED);
                    acked.incrementAndGet();
                } else if (shape < 50) {
                    int rows = 2 + rnd.nextInt(9);
                    CommitLedger.Txn t = ledger.begin(client, txn, rows);
                    ledger.set(t, CommitLedger.State.IN_FLIGHT);
                    st.executeUpdate(insert(client, txn, 0, rows, pad));
                    ledger.set(t, CommitLedger.State.ACKED);
                    acked.incrementAndGet();
                } else {
                    boolean rollback = shape >= 90;
                    int statements = 1 + rnd.nextInt(3);
                    int perStatement = 1 + rnd.nextInt(5);
                    CommitLedger.Txn t = ledger.begin(client, txn, statements * perStatement);
                    st.execute("BEGIN");
                    for (int s = 0; s < statements; s++) {
                        st.executeUpdate(insert(client, txn, s * perStatement, perStatement, pad));
                    }
                    if (rollback) {
                        st.execute("ROLLBACK");
                        ledger.set(t, CommitLedger.State.ROLLED_BACK);
                    } else {
                        ledger.set(t, CommitLedger.State.IN_FLIGHT);
                        st.execute("COMMIT");
                        ledger.set(t, CommitLedger.State.ACKED);
                        acked.incrementAndGet();
                    }
                }
            }
        } catch (SQLException expectedAtCrash) {
            // the connection died (crash) or was closed: the ledger says what is known
        } catch (Throwable t) {
            synchronized (this) {
                unexpected.add(t);
            }
        }
    }

    private static String insert(int client, int txn, int firstSeq, int rows, String pad) {
        StringBuilder sb = new StringBuilder("INSERT INTO ").append(CommitLedger.TABLE)
                .append(" (client, txn, seq, payload) VALUES ");
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            int seq = firstSeq + i;
            sb.append('(').append(client).append(", ").append(txn).append(", ").append(seq).append(", '")
              .append(pad).append(client).append('-').append(txn).append('-').append(seq).append("')");
        }
        return sb.toString();
    }

    /** Asks every client to stop and waits for the threads (they end at once when their connection died). */
    void stopAndJoin() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(120_000);
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop within 120 s");
            }
        }
    }
}
