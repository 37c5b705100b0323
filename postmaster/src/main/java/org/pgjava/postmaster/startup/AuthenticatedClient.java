package org.pgjava.postmaster.startup;

import org.pgjava.postmaster.pool.ConnectionSlots;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * A client that passed every startup-phase check (hba, authentication, role and database checks,
 * connection limits) and now needs a backend. Produced by {@link StartupPhaseHandler}, consumed by a
 * {@link ClientHandoff}.
 *
 * @param protocolVersion StartupMessage protocol version
 * @param user            role name
 * @param roleOid         role OID
 * @param superuser       role is a superuser
 * @param database        database name
 * @param databaseOid     database OID
 * @param parameters      StartupMessage parameters in arrival order
 * @param cancelSecret    the random BackendKeyData secret for this session
 * @param remote          client TCP address, or null for a Unix-domain socket
 * @param slot            the connection slot the client holds (released by whoever ends the client)
 */
public record AuthenticatedClient(int protocolVersion, String user, int roleOid, boolean superuser, String database,
                                  int databaseOid, Map<String, String> parameters, int cancelSecret,
                                  InetSocketAddress remote, ConnectionSlots.Slot slot) {
}
