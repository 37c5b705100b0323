package org.pgjava.postmaster.pool;

import org.pgjava.shmem.handoff.BackendLink;

import java.io.OutputStream;

/**
 * The postmaster's record of one backend JVM: its process, its hand-off link once it announced itself,
 * where it is in its life, and the client it serves. Owned and mutated by {@link BackendPool} under the
 * pool's lock; other classes read {@link #pid()} and use {@link #link()} to hand off.
 */
public final class BackendProcess {
    /** Life of a backend as the postmaster sees it. */
    public enum State {
        /** JVM started, not yet announced. */
        STARTING,
        /** Announced, never served anyone: waits in the fresh pool. */
        STANDBY,
        /** Served a client of {@link #databaseOid()} and waits for another one of the same database. */
        IDLE_REUSABLE,
        /** Given to a connection that is about to hand off its socket. */
        ASSIGNED,
        /** Serving a client. */
        ACTIVE,
        /** Told to exit, or exiting on its own. */
        EXITING
    }

    final Process process;
    final String token;
    final OutputStream lifeline;
    final long startedNanos;
    BackendLink link;
    State state = State.STARTING;
    int databaseOid = -1;
    int clientsServed;
    /** System.nanoTime() when it last became IDLE_REUSABLE. */
    long idleSinceNanos;
    ConnectionSlots.Slot slot;
    int cancelSecret;
    boolean signalled;
    boolean usedAotCache;

    BackendProcess(Process process, String token) {
        this.process = process;
        this.token = token;
        this.lifeline = process.getOutputStream();
        this.startedNanos = System.nanoTime();
    }

    /** The OS pid. */
    public int pid() {
        return (int) process.pid();
    }

    /** The hand-off link (set once the backend announced itself). */
    public BackendLink link() {
        return link;
    }

    /** The database this backend last served, -1 for a fresh standby. */
    public int databaseOid() {
        return databaseOid;
    }

    @Override
    public String toString() {
        return "backend " + pid() + " " + state;
    }
}
