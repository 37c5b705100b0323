package org.pgjava.backend.protocol;

/**
 * How a session ended, returned by {@link PostgresMain#run()}.
 *
 * @param reason   what ended it
 * @param reusable true only when it ended cleanly (Terminate or end of stream while idle outside a
 *                 transaction block, no FATAL, no internal error): the process may then serve a later client
 */
public record SessionEnd(Reason reason, boolean reusable) {
    public enum Reason {
        /** The client sent Terminate ('X'). */
        TERMINATE_MESSAGE,
        /** The connection ended or broke without Terminate. */
        CLIENT_DISCONNECTED,
        /** A FATAL error ended the session (already reported to the client when possible). */
        FATAL
    }
}
