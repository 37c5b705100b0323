package org.pgjava.backend.aux;

import com.sun.jna.Native;

/**
 * Ends the process at once with a status, like PostgreSQL's {@code _exit(2)} in quickdie: libc's
 * {@code _exit(2)}, bound with JNA direct mapping. Entry point: {@link #now(int)}.
 *
 * <p>Why not {@code Runtime.halt}: HotSpot's exit waits up to 300 ms for threads that are blocked in
 * native code to reach a safe state (VM_Exit::wait_for_threads_in_native_to_block), and every pgjava
 * child has such threads — the stdin watchdog blocked in read(2), a standby blocked in recvmsg(2) on the
 * hand-off link, a session blocked reading its client. Measured here: 314–340 ms per exit with
 * {@code halt}, against ~10 ms for a JVM without such a thread; that delay sat directly on the
 * crash-restart's critical path (the postmaster waits for every child to be gone).
 *
 * <p>Nothing is flushed or run: no shutdown hooks, no finalization, stdio buffers are not flushed (pgjava
 * logs to stderr through an unbuffered stream, so log lines already written are out). Use only where an
 * immediate exit is the intent. (This one libc call belongs in {@code org.pgjava.shmem.os.LibC} with the
 * others; it lives here until that file gains it.)
 */
public final class ImmediateExit {
    private static final boolean BOUND = bind();

    private ImmediateExit() {
    }

    private static boolean bind() {
        try {
            Native.register(ImmediateExit.class, "c");
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    private static native void _exit(int status);

    /**
     * Terminates the process now with status (falls back to {@code Runtime.halt} if libc could not be
     * bound). Never returns.
     */
    public static void now(int status) {
        if (BOUND) {
            _exit(status);
        }
        Runtime.getRuntime().halt(status);
    }

    /**
     * Binds the native method ahead of time, so a signal handler never triggers class loading or linking.
     * @return whether libc's _exit is bound (else {@link #now} falls back to Runtime.halt)
     */
    public static boolean prepare() {
        return BOUND;
    }
}
