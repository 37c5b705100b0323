package org.pgjava.conf.hba;

/**
 * How a client reached the postmaster, for matching pg_hba.conf connection types: LOCAL (Unix socket)
 * matches {@code local}; HOST (TCP without SSL or GSS encryption; pgjava offers neither yet) matches
 * {@code host}, {@code hostnossl} and {@code hostnogssenc}.
 */
public enum ConnectionKind {
    LOCAL, HOST
}
