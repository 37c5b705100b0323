package org.pgjava.conf.hba;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;

/** Error texts were taken from PostgreSQL 15.18's log after reloading the same bad lines. */
class HbaFileTest {
    private static final Predicate<String> NO_GROUPS = g -> false;

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private static Optional<HbaRule> match(List<HbaRule> rules, ConnectionKind k, String db, String user, String addr,
                                           Predicate<String> groups) throws Exception {
        return HbaFile.firstMatch(rules, k, db, user, addr == null ? null : ip(addr), groups);
    }

    @Test
    void defaultTemplateAndOrdering() throws Exception {
        List<HbaRule> rules = HbaFile.parse("""
                # TYPE  DATABASE        USER            ADDRESS                 METHOD
                local   all             all                                     peer
                host    db1,"All"       alice,+staff    10.1.0.0/16             scram-sha-256
                host    all             bob             10.1.2.3   255.255.255.255   md5
                host    all             all             127.0.0.1/32            trust
                host    all             all             ::1/128                 trust
                hostssl all             all             0.0.0.0/0               cert clientcert=verify-full
                host    sameuser        all             192.168.0.0/24          password
                host    samerole        all             192.168.0.0/24          reject
                host    replication     all             all                     trust
                """, "pg_hba.conf");
        assertEquals(9, rules.size());
        assertEquals(AuthMethod.PEER, rules.get(0).method());
        assertEquals(2, rules.get(0).lineNumber());
        assertTrue(rules.get(1).rawLine().startsWith("host    db1,\"All\""));
        assertEquals("verify-full", rules.get(5).options().get("clientcert"));

        assertEquals(2, match(rules, ConnectionKind.LOCAL, "x", "y", null, NO_GROUPS).orElseThrow().lineNumber());
        assertEquals(3, match(rules, ConnectionKind.HOST, "db1", "alice", "10.1.200.1", NO_GROUPS).orElseThrow().lineNumber());
        assertEquals(3, match(rules, ConnectionKind.HOST, "All", "carol", "10.1.0.1", Set.of("staff")::contains).orElseThrow().lineNumber(),
                "quoted \"All\" is a database name, +staff a group");
        assertTrue(match(rules, ConnectionKind.HOST, "all", "alice", "10.1.0.1", NO_GROUPS).isEmpty() , "all in quotes is not the keyword");
        assertEquals(4, match(rules, ConnectionKind.HOST, "x", "bob", "10.1.2.3", NO_GROUPS).orElseThrow().lineNumber());
        assertTrue(match(rules, ConnectionKind.HOST, "x", "bob", "10.1.2.4", NO_GROUPS).isEmpty());
        assertEquals(5, match(rules, ConnectionKind.HOST, "x", "y", "127.0.0.1", NO_GROUPS).orElseThrow().lineNumber());
        assertEquals(6, match(rules, ConnectionKind.HOST, "x", "y", "::1", NO_GROUPS).orElseThrow().lineNumber());
        assertTrue(match(rules, ConnectionKind.HOST, "x", "y", "::2", NO_GROUPS).isEmpty(), "hostssl never matches without SSL");
        assertEquals(8, match(rules, ConnectionKind.HOST, "eve", "eve", "192.168.0.9", NO_GROUPS).orElseThrow().lineNumber());
        assertEquals(9, match(rules, ConnectionKind.HOST, "team", "eve", "192.168.0.9", Set.of("team")::contains).orElseThrow().lineNumber());
        assertTrue(match(rules, ConnectionKind.HOST, "replication", "eve", "8.8.8.8", NO_GROUPS).isEmpty(),
                "the replication keyword does not match a database called replication");
    }

    @Test
    void familiesAndMasks() throws Exception {
        List<HbaRule> rules = HbaFile.parse("""
                host all all 10.0.0.0/8 trust
                host all all fe80::/10 md5
                host all all 0.0.0.0/0 reject
                host all all ::/0 password
                """, "f");
        assertEquals(1, match(rules, ConnectionKind.HOST, "d", "u", "10.255.0.1", NO_GROUPS).orElseThrow().lineNumber());
        assertEquals(2, match(rules, ConnectionKind.HOST, "d", "u", "fe80::1", NO_GROUPS).orElseThrow().lineNumber());
        assertEquals(3, match(rules, ConnectionKind.HOST, "d", "u", "11.0.0.1", NO_GROUPS).orElseThrow().lineNumber());
        assertEquals(4, match(rules, ConnectionKind.HOST, "d", "u", "2001:db8::1", NO_GROUPS).orElseThrow().lineNumber());
        assertTrue(match(rules, ConnectionKind.LOCAL, "d", "u", null, NO_GROUPS).isEmpty());
    }

    @Test
    void continuationAndComments() {
        List<HbaRule> rules = HbaFile.parse("host all \\\n  all 127.0.0.1/32 trust # comment\n\n# x\n", "f");
        assertEquals(1, rules.size());
        assertEquals(AuthMethod.TRUST, rules.get(0).method());
    }

    private static void bad(String line, String message) {
        PgException e = assertThrows(PgException.class, () -> HbaFile.parse("local all all trust\n" + line + "\n", "/d/pg_hba.conf"));
        assertEquals(message, e.getMessage());
        assertEquals("line 2 of configuration file \"/d/pg_hba.conf\"", e.where());
    }

    @Test
    void errorsAsPostgres() {
        bad("hots all all 127.0.0.1/32 trust", "invalid connection type \"hots\"");
        bad("host all all 127.0.0.1/33 trust", "invalid CIDR mask in address \"127.0.0.1/33\"");
        bad("host all all 127.0.0.1 trust", "invalid IP mask \"trust\": Name or service not known");
        bad("host all all 127.0.0.1/32 foo", "invalid authentication method \"foo\"");
        bad("host all all 127.0.0.1/32 trust bar", "authentication option not in name=value format: bar");
        bad("host all all 127.0.0.1/32 trust bar=1", "unrecognized authentication option name: \"bar\"");
        bad("host all all 300.1.1.1/32 trust", "specifying both host name and CIDR mask is invalid: \"300.1.1.1/32\"");
        bad("host all", "end-of-line before role specification");
        bad("host", "end-of-line before database specification");
        bad("host all all", "end-of-line before IP address specification");
        bad("local all all krb5", "invalid authentication method \"krb5\"");
        bad("host all all 127.0.0.1/32 md5,trust", "multiple values specified for authentication type");
        bad("host all all 127.0.0.1/32 trust clientcert=verify-ca", "clientcert can only be configured for \"hostssl\" rows");
        bad("host all all 10.0.0.0 255.255.0.0", "end-of-line before authentication method");
        bad("host all all ::1/200 trust", "invalid CIDR mask in address \"::1/200\"");
        bad("host,local all all 127.0.0.1/32 trust", "multiple values specified for connection type");
        bad("host all all 10.0.0.0 ffff:: trust", "IP address and mask do not match");
        bad("host all all 10.0.0.0", "end-of-line before netmask specification");
        bad("host all all 127.0.0.1/32 peer", "peer authentication is only supported on local sockets");
        PgException e = assertThrows(PgException.class, () -> HbaFile.parse("host all @admins 127.0.0.1/32 trust", "f"));
        assertTrue(e.getMessage().contains("@admins"));
        e = assertThrows(PgException.class, () -> HbaFile.parse("host all all db.example.com trust", "f"));
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState());
    }

    @Test
    void noMatchMessages() throws Exception {
        PgException e = HbaFile.noMatchError(ConnectionKind.HOST, ip("127.0.0.1"), "nomatch", "db1");
        assertEquals(Severity.FATAL, e.severity());
        assertEquals(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, e.sqlState());
        assertEquals("no pg_hba.conf entry for host \"127.0.0.1\", user \"nomatch\", database \"db1\", no encryption", e.getMessage());
        e = HbaFile.noMatchError(ConnectionKind.LOCAL, null, "nomatch", "db1");
        assertEquals("no pg_hba.conf entry for host \"[local]\", user \"nomatch\", database \"db1\", no encryption", e.getMessage());
        assertEquals("::1", HbaFile.hostText(ConnectionKind.HOST, ip("::1")));
        assertEquals("2001:db8::1:0:0:1", HbaFile.hostText(ConnectionKind.HOST, ip("2001:db8:0:0:1:0:0:1")));
        assertEquals("fe80::", HbaFile.hostText(ConnectionKind.HOST, ip("fe80::")));
        assertFalse(HbaFile.rejectError(ConnectionKind.HOST, ip("10.0.0.1"), "u", "d").getMessage().isEmpty());
    }
}
