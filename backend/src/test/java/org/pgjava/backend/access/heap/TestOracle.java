package org.pgjava.backend.access.heap;

import java.util.HashSet;
import java.util.Set;

import org.pgjava.backend.utils.snapshot.TransactionIds;
import org.pgjava.backend.utils.snapshot.TransactionOracle;

/** A commit log and process array in a few sets, for visibility tests. */
final class TestOracle implements TransactionOracle {
    final Set<Long> current = new HashSet<>();
    final Set<Long> running = new HashSet<>();
    final Set<Long> committed = new HashSet<>();

    TestOracle current(long... xids) {
        for (long x : xids) {
            current.add(x);
            running.add(x);
        }
        return this;
    }

    TestOracle running(long... xids) {
        for (long x : xids) {
            running.add(x);
        }
        return this;
    }

    TestOracle committed(long... xids) {
        for (long x : xids) {
            committed.add(x);
            running.remove(x);
        }
        return this;
    }

    @Override
    public boolean isCurrentTransaction(long xid) {
        return current.contains(xid);
    }

    @Override
    public boolean isInProgress(long xid) {
        return running.contains(xid);
    }

    @Override
    public boolean didCommit(long xid) {
        return xid == TransactionIds.BOOTSTRAP || xid == TransactionIds.FROZEN || committed.contains(xid);
    }
}
