package org.pgjava.conf.hba;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One line of pg_hba.conf, parsed ({@link HbaFile#parse}). Immutable.
 *
 * @param lineNumber 1-based line in the file
 * @param rawLine    the line as written (continuation lines joined)
 * @param connType   local, host, hostssl, hostnossl, hostgssenc or hostnogssenc
 * @param databases  the database field's items
 * @param users      the user field's items
 * @param address    the address rule; null for local lines
 * @param method     the authentication method
 * @param options    name=value options in order
 */
public record HbaRule(int lineNumber, String rawLine, String connType, List<Token> databases, List<Token> users,
                      Address address, AuthMethod method, Map<String, String> options) {

    /** A field item; {@code quoted} items are never keywords ("all" in quotes is a name). */
    public record Token(String text, boolean quoted) {
        boolean isKeyword(String kw) {
            return !quoted && text.equals(kw);
        }
    }

    /** The address field of a host line. */
    public sealed interface Address permits AnyAddress, SameHost, SameNet, Network {
    }

    /** {@code all}. */
    public record AnyAddress() implements Address {
    }

    /** {@code samehost}: any of the server's own addresses. */
    public record SameHost() implements Address {
    }

    /** {@code samenet}: any subnet the server is directly connected to. */
    public record SameNet() implements Address {
    }

    /** An address with a mask (CIDR or separate netmask); both of the same family. */
    public record Network(InetAddress network, byte[] mask) implements Address {
        /** Whether {@code a} is in this network (different address families never match, as in PostgreSQL 15). */
        public boolean contains(InetAddress a) {
            byte[] n = network.getAddress(), x = a.getAddress();
            if (n.length != x.length) return false;
            for (int i = 0; i < n.length; i++) {
                if (((n[i] ^ x[i]) & mask[i]) != 0) return false;
            }
            return true;
        }
    }

    public HbaRule {
        databases = List.copyOf(databases);
        users = List.copyOf(users);
        options = Collections.unmodifiableMap(new java.util.LinkedHashMap<>(options));
    }

    /** The authentication method (PostgreSQL's hba->auth_method). */
    @Override
    public AuthMethod method() {
        return method;
    }

    /**
     * Whether this line applies to a connection (PostgreSQL's check_hba for one line).
     *
     * @param kind            how the client connected
     * @param database        requested database name
     * @param user            requested role name
     * @param client          the client's address (null for LOCAL)
     * @param isMemberOfGroup whether {@code user} is (directly or indirectly) a member of the named role;
     *                        used by {@code +group} and {@code samerole}
     */
    public boolean matches(ConnectionKind kind, String database, String user, InetAddress client,
                           Predicate<String> isMemberOfGroup) {
        if (kind == ConnectionKind.LOCAL) {
            if (!connType.equals("local")) return false;
        } else {
            if (!(connType.equals("host") || connType.equals("hostnossl") || connType.equals("hostnogssenc"))) return false;
            if (client == null || !addressMatches(client)) return false;
        }
        return databaseMatches(database, user, isMemberOfGroup) && userMatches(user, isMemberOfGroup);
    }

    private boolean addressMatches(InetAddress client) {
        return switch (address) {
            case AnyAddress a -> true;
            case Network n -> n.contains(client);
            case SameHost h -> localAddresses(client, false);
            case SameNet n -> localAddresses(client, true);
        };
    }

    private static boolean localAddresses(InetAddress client, boolean net) {
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
                    InetAddress a = ia.getAddress();
                    if ((a instanceof Inet4Address) != (client instanceof Inet4Address)) continue;
                    if (!net) {
                        if (a.equals(client)) return true;
                    } else if (new Network(a, HbaFile.prefixMask(a.getAddress().length, ia.getNetworkPrefixLength())).contains(client)) {
                        return true;
                    }
                }
            }
        } catch (SocketException e) {
            return false;
        }
        return false;
    }

    private boolean databaseMatches(String database, String user, Predicate<String> member) {
        for (Token t : databases) {
            if (t.isKeyword("all")) return true;
            if (t.isKeyword("sameuser")) {
                if (database.equals(user)) return true;
            } else if (t.isKeyword("samerole") || t.isKeyword("samegroup")) {
                if (member.test(database)) return true;
            } else if (t.isKeyword("replication")) {
                continue; // only physical replication connections, which pgjava does not accept
            } else if (t.text().equals(database)) {
                return true;
            }
        }
        return false;
    }

    private boolean userMatches(String user, Predicate<String> member) {
        for (Token t : users) {
            if (t.isKeyword("all")) return true;
            if (!t.quoted() && t.text().startsWith("+")) {
                if (member.test(t.text().substring(1))) return true;
            } else if (t.text().equals(user)) {
                return true;
            }
        }
        return false;
    }
}
