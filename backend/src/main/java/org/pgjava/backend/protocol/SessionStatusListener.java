package org.pgjava.backend.protocol;

/**
 * Told what the session is doing, for the process title ({@code ps}) and later pg_stat_activity. Called on
 * the session's thread; must be cheap and must not throw.
 */
public interface SessionStatusListener {
    /**
     * @param activity "idle", "idle in transaction", "idle in transaction (aborted)", or the command tag word
     *                 of the statement being run ("SELECT", "SET", "BEGIN", ...)
     */
    void onActivity(String activity);
}
