package org.pgjava.postmaster.supervisor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * The one long-lived thread that starts every child JVM of the postmaster (backends and auxiliary
 * processes). Entry point: {@link #submit}.
 *
 * <p>Why one thread that never ends: PR_SET_PDEATHSIG in a child fires when the <em>thread</em> that
 * forked it exits, not the process; a pool thread that retired (or died of an exception) would SIGKILL
 * every child it had started. Work items run one after another; an exception in one is logged and the
 * thread goes on.
 */
public final class ChildLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(ChildLauncher.class);
    private final LinkedBlockingQueue<Runnable> work = new LinkedBlockingQueue<>();

    /** Starts the launcher thread (a daemon named "child-launcher"). */
    public ChildLauncher() {
        Thread.ofPlatform().name("child-launcher").daemon().start(this::loop);
    }

    /** Queues a task (typically a ProcessBuilder.start) to run on the launcher thread. Never blocks. */
    public void submit(Runnable task) {
        work.add(task);
    }

    private void loop() {
        while (true) {
            try {
                work.take().run();
            } catch (Throwable t) {
                LOG.error("child launcher: {}", t.toString());
            }
        }
    }
}
