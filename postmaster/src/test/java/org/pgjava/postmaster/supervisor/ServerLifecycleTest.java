package org.pgjava.postmaster.supervisor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerLifecycleTest {
    private static final int KILLED = 128 + 9;

    @Test
    void exitClassificationFollowsPostgres() {
        assertEquals(ChildExit.Outcome.NORMAL, ChildExit.classify(ChildKind.BACKEND, 0, false));
        assertEquals(ChildExit.Outcome.NORMAL, ChildExit.classify(ChildKind.BACKEND, 1, false), "FATAL exit");
        assertEquals(ChildExit.Outcome.CRASH, ChildExit.classify(ChildKind.BACKEND, 2, false));
        assertEquals(ChildExit.Outcome.CRASH, ChildExit.classify(ChildKind.BACKEND, KILLED, false));
        assertEquals(ChildExit.Outcome.NORMAL, ChildExit.classify(ChildKind.BACKEND, KILLED, true), "we killed it");
        assertEquals(ChildExit.Outcome.RESTART, ChildExit.classify(ChildKind.BACKGROUND_WRITER, 0, false));
        assertEquals(ChildExit.Outcome.CRASH, ChildExit.classify(ChildKind.BACKGROUND_WRITER, 1, false));
        assertEquals(ChildExit.Outcome.CRASH, ChildExit.classify(ChildKind.CHECKPOINTER, 0, false),
                "any unexpected checkpointer exit is a crash");
        assertEquals(ChildExit.Outcome.NORMAL, ChildExit.classify(ChildKind.CHECKPOINTER, 0, true));
    }

    @Test
    void logTextsArePostgres() {
        assertEquals("server process (PID 4242) was terminated by signal 9: Killed",
                ChildExit.describe(ChildKind.BACKEND, 4242, KILLED));
        assertEquals("server process (PID 7) exited with exit code 2", ChildExit.describe(ChildKind.BACKEND, 7, 2));
        assertEquals("checkpointer process (PID 8) was terminated by signal 11: Segmentation fault",
                ChildExit.describe(ChildKind.CHECKPOINTER, 8, 128 + 11));
        assertEquals("background writer process (PID 9) exited with exit code 1",
                ChildExit.describe(ChildKind.BACKGROUND_WRITER, 9, 1));
        assertEquals("server process (PID 5) was terminated by signal 6: Aborted",
                ChildExit.describe(ChildKind.BACKEND, 5, 134));
    }

    @Test
    void crashRestartCycle() {
        ServerLifecycle l = new ServerLifecycle();
        assertEquals("the database system is starting up", l.connectionRefusal());
        l.markRunning();
        assertNull(l.connectionRefusal());
        assertEquals(ChildExit.Outcome.NORMAL, l.onChildExit(ChildKind.BACKEND, 0, false));
        assertEquals(ChildExit.Outcome.RESTART, l.onChildExit(ChildKind.BACKGROUND_WRITER, 0, false));
        assertEquals(ChildExit.Outcome.CRASH, l.onChildExit(ChildKind.BACKEND, KILLED, false));
        assertEquals(ServerLifecycle.Phase.CRASH_RECOVERY, l.phase());
        assertEquals("the database system is in recovery mode", l.connectionRefusal());
        // the children told to quit exit with whatever status: not reported again, never restarted
        assertEquals(ChildExit.Outcome.NORMAL, l.onChildExit(ChildKind.BACKEND, 2, false));
        assertEquals(ChildExit.Outcome.NORMAL, l.onChildExit(ChildKind.BACKGROUND_WRITER, 0, false));
        assertEquals(ChildExit.Outcome.NORMAL, l.onChildExit(ChildKind.CHECKPOINTER, KILLED, false));
        assertEquals(ServerLifecycle.AfterCrash.REINITIALIZE, l.afterChildrenGone(true));
        assertEquals("the database system is in recovery mode", l.connectionRefusal(),
                "until the server runs again, as PostgreSQL while its startup process recovers");
        l.markRunning();
        assertNull(l.connectionRefusal());
        assertEquals(ChildExit.Outcome.CRASH, l.onChildExit(ChildKind.CHECKPOINTER, 0, false), "a second crash");
    }

    @Test
    void restartAfterCrashOffShutsDown() {
        ServerLifecycle l = new ServerLifecycle();
        l.markRunning();
        assertEquals(ChildExit.Outcome.CRASH, l.onChildExit(ChildKind.BACKGROUND_WRITER, KILLED, false));
        assertEquals(ServerLifecycle.AfterCrash.EXIT_AFTER_CRASH, l.afterChildrenGone(false));
        assertEquals("the database system is shutting down", l.connectionRefusal());
        assertFalse(l.beginShutdown(), "already shutting down");
    }

    @Test
    void shutdownDuringCrashRecoveryWins() {
        ServerLifecycle l = new ServerLifecycle();
        l.markRunning();
        assertEquals(ChildExit.Outcome.CRASH, l.onChildExit(ChildKind.BACKEND, KILLED, false));
        assertTrue(l.beginShutdown());
        assertEquals(ServerLifecycle.AfterCrash.SHUTDOWN, l.afterChildrenGone(true));
        l.markRunning();
        assertEquals(ServerLifecycle.Phase.SHUTTING_DOWN, l.phase(), "markRunning does not undo a shutdown");
    }

    @Test
    void crashDuringShutdownIsReportedOnceAndNeverRestarts() {
        ServerLifecycle l = new ServerLifecycle();
        l.markRunning();
        assertTrue(l.beginShutdown());
        assertEquals(ChildExit.Outcome.NORMAL, l.onChildExit(ChildKind.CHECKPOINTER, 0, true));
        assertEquals(ChildExit.Outcome.NORMAL, l.onChildExit(ChildKind.BACKGROUND_WRITER, 0, false));
        assertEquals(ChildExit.Outcome.CRASH, l.onChildExit(ChildKind.BACKEND, KILLED, false));
        assertEquals(ChildExit.Outcome.NORMAL, l.onChildExit(ChildKind.BACKEND, KILLED, false));
    }
}
