package org.pgjava.postmaster.pool;

import java.util.List;

/**
 * The settings the standby pool obeys, taken from the server settings at start and on each reload.
 *
 * @param standbyBackends       fresh (never used) backends to keep started and waiting
 * @param reuse                 backend_reuse: a backend whose client left cleanly may serve another client
 *                              of the same database
 * @param maxClientsPerBackend  backend_max_clients: clients one backend serves before it exits
 * @param jvmOptions            backend_jvm_options split into arguments
 * @param startupTimeoutMillis  backend_startup_timeout: how long a client waits for a backend to start
 * @param idleTimeoutMillis     backend_idle_timeout: how long a reused backend waits for another client of
 *                              its database before it exits, beyond standbyBackends idle ones per database
 */
public record PoolConfig(int standbyBackends, boolean reuse, int maxClientsPerBackend, List<String> jvmOptions,
                         long startupTimeoutMillis, long idleTimeoutMillis) {
}
