package org.pgjava.catalog.authfile;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The roles and databases of a cluster as stored in the flat auth file ({@link AuthFile}); immutable.
 * Lookups are by exact (case-sensitive) name, as PostgreSQL's catalogs compare names.
 */
public record AuthData(List<RoleEntry> roles, List<DatabaseEntry> databases) {
    public AuthData {
        roles = List.copyOf(roles);
        databases = List.copyOf(databases);
    }

    /** The role called {@code name}. */
    public Optional<RoleEntry> role(String name) {
        for (RoleEntry r : roles) if (r.name().equals(name)) return Optional.of(r);
        return Optional.empty();
    }

    /** The role with this OID. */
    public Optional<RoleEntry> roleByOid(int oid) {
        for (RoleEntry r : roles) if (r.oid() == oid) return Optional.of(r);
        return Optional.empty();
    }

    /** The database called {@code name}. */
    public Optional<DatabaseEntry> database(String name) {
        for (DatabaseEntry d : databases) if (d.name().equals(name)) return Optional.of(d);
        return Optional.empty();
    }

    /**
     * Whether {@code role} is {@code group} or a member of it directly or through other roles (what
     * pg_hba.conf's {@code +group} and {@code samerole} test; PostgreSQL's is_member_of_role_nosuper).
     */
    public boolean isMemberOf(String role, String group) {
        if (role.equals(group)) return true;
        Map<String, RoleEntry> byName = new LinkedHashMap<>();
        for (RoleEntry r : roles) byName.put(r.name(), r);
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add(role);
        while (!todo.isEmpty()) {
            RoleEntry r = byName.get(todo.poll());
            if (r == null) continue;
            for (String g : r.memberOf()) {
                if (g.equals(group)) return true;
                if (seen.add(g)) todo.add(g);
            }
        }
        return false;
    }
}
