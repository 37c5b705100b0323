package org.pgjava.tests.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * No acknowledged commit is ever lost: concurrent committing clients ({@link CommitWorkload}), a crash at a
 * random moment, a restart on the same data directory, and a check of the table against what the clients
 * know ({@link CommitLedger}): every acknowledged transaction complete, nothing of a transaction that did not
 * send COMMIT, in-flight ones all-or-nothing, no duplicate. Several rounds on one data directory; each
 * round's in-flight outcomes must survive the later crashes.
 *
 * <p>Tagged {@code storage}: skipped unless {@link StorageTestSwitch#enabled()}. Runs against pgjava, or
 * against PostgreSQL 15 with {@code -Ddurability.server=postgres15} (validates the test). Rounds:
 * {@code -Ddurability.rounds=n} (default 4 power cuts, 3 backend kills); seed: {@code -Ddurability.seed=n}
 * (printed, for reproducing a failure's random choices).
 */
@Tag("storage")
@EnabledIf("org.pgjava.tests.durability.StorageTestSwitch#enabled")
class CrashDurabilityTest {
    static final int CLIENTS = 4;
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(90);

    /** kill -9 of the postmaster and all its children at once, restart, check; several rounds. */
    @Test
    void powerCutLosesNoAcknowledgedCommit() throws Exception {
        runRounds(Integer.getInteger("durability.rounds", 4), true);
    }

    /** kill -9 of one client's backend: the postmaster's crash-restart must lose nothing acknowledged either. */
    @Test
    void killedBackendCrashRestartLosesNoAcknowledgedCommit() throws Exception {
        runRounds(Integer.getInteger("durability.rounds", 3), false);
    }

    private static void runRounds(int rounds, boolean powerCut) throws Exception {
        long seed = Long.getLong("durability.seed", System.nanoTime());
        String what = powerCut ? "power cut" : "backend kill";
        System.out.println("[durability] " + what + ": seed " + seed + ", " + rounds + " rounds");
        Random rnd = new Random(seed);
        CommitLedger ledger = new CommitLedger();
        try (DbNode node = DbNode.create(Map.of())) {
            try (Connection c = node.connect()) {
                CommitLedger.createTable(c);
            }
            for (int round = 0; round < rounds; round++) {
                CommitWorkload w = new CommitWorkload(node, ledger, round * 100, CLIENTS, rnd.nextLong());
                w.start();
                long warm = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (w.acked() < 20 && System.nanoTime() < warm) {
                    Thread.sleep(10);
                }
                assertTrue(w.acked() >= 20, "the clients commit (" + w.acked() + " acknowledged in 30 s)\n" + node.logTail());
                Thread.sleep(300 + rnd.nextInt(1500));
                long t0 = System.nanoTime();
                if (powerCut) {
                    node.powerCut();
                    w.stopAndJoin();
                    node.restart();
                } else {
                    List<Long> pids = w.backendPids();
                    long victim = pids.get(rnd.nextInt(pids.size()));
                    DbNode.kill9(victim);
                    w.stopAndJoin();
                    // the crash-restart begins when the postmaster reaps the victim; a connection accepted
                    // before that would be served by the old generation and then cut off
                    String line = "server process (PID " + victim + ") was terminated by signal 9";
                    long until = System.nanoTime() + RECOVERY_BOUND.toNanos();
                    while (!node.log().contains(line) && System.nanoTime() < until) {
                        Thread.sleep(20);
                    }
                    assertTrue(node.log().contains(line), "the postmaster saw the kill\n" + node.logTail());
                }
                long ms = node.awaitAccepting(RECOVERY_BOUND);
                System.out.println("[durability] " + what + " round " + round + ": " + ledger.census()
                        + ", accepting again after " + (System.nanoTime() - t0) / 1_000_000 + " ms (" + ms
                        + " ms of polling)");
                assertEquals(List.of(), w.unexpected(), "client threads failed unexpectedly");
                CommitLedger.Verdict v;
                try (Connection c = node.connect()) {
                    v = ledger.verify(c);
                }
                System.out.println("[durability]   " + v.rowsSeen() + " rows; in flight: " + v.inFlightCommitted()
                        + " committed, " + v.inFlightLost() + " not");
                assertEquals(List.of(), v.violations(), what + " round " + round + " (seed " + seed + ")\n--- log tail ---\n"
                        + node.logTail());
            }
            // and once more after a clean restart: the recovered state is what was checked
            node.stopClean();
            node.restart();
            node.awaitAccepting(RECOVERY_BOUND);
            try (Connection c = node.connect()) {
                CommitLedger.Verdict v = ledger.verify(c);
                assertEquals(List.of(), v.violations(), "after a clean restart (seed " + seed + ")");
                assertEquals(0, v.inFlightCommitted() + v.inFlightLost(), "nothing left in flight");
            }
        }
    }
}
