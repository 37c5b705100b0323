package org.pgjava.backend.protocol;

import java.util.Map;

/**
 * What the postmaster hands a backend together with the client's socket: the authenticated identity and
 * the StartupMessage parameters. Authentication is complete; the backend starts by sending
 * AuthenticationOk.
 *
 * @param user            the authenticated role name
 * @param database        the database to connect to (exists and allows connections)
 * @param roleOid         OID of the role
 * @param databaseOid     OID of the database
 * @param superuser       whether the role is a superuser
 * @param parameters      every name/value pair of the StartupMessage (user, database, application_name,
 *                        client_encoding, DateStyle, options, ...), in arrival order
 * @param cancelSecret    the random secret key of BackendKeyData (the pid is the backend's own)
 */
public record StartupInfo(String user, String database, int roleOid, int databaseOid, boolean superuser,
                          Map<String, String> parameters, int cancelSecret) {
}
