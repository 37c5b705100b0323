package org.pgjava.postmaster.startup;

import org.pgjava.catalog.authfile.AuthData;
import org.pgjava.conf.Settings;
import org.pgjava.conf.hba.HbaRule;
import org.pgjava.postmaster.pool.ConnectionSlots;

import java.security.SecureRandom;
import java.util.List;

/**
 * What the startup-phase handler consults for each connection: the current settings, pg_hba.conf rules and
 * role/database data, the connection slots, cancel routing and whether the server is shutting down.
 * Implemented by the postmaster's composition root ({@code PostmasterMain}); tests give a fixed one.
 * Implementations are thread-safe (called from every event loop).
 */
public interface StartupPolicy {
    /** The server settings now (replaced, never mutated, on reload). */
    Settings settings();

    /** The pg_hba.conf rules now. */
    List<HbaRule> hbaRules();

    /** Role and database data now (re-read when the file changed). */
    AuthData authData();

    /** Connection accounting. */
    ConnectionSlots slots();

    /** True once a shutdown has begun: new clients get FATAL 57P03. */
    boolean shuttingDown();

    /**
     * Whether a new client is refused before anything else: the text of the FATAL 57P03 it gets ("the
     * database system is shutting down", "... is in recovery mode" during a crash-restart, "... is starting
     * up"), or null when it may go on. The default refuses only during a shutdown.
     */
    default String connectionRefusal() {
        return shuttingDown() ? "the database system is shutting down" : null;
    }

    /** Routes a CancelRequest (no answer is ever sent to the requester). */
    void cancel(int pid, int secret);

    /** The cluster's secret for mock authentication of unknown roles (global/pg_mock_auth_nonce). */
    byte[] mockAuthNonce();

    /** Randomness for cancel keys and SCRAM nonces. */
    SecureRandom random();
}
