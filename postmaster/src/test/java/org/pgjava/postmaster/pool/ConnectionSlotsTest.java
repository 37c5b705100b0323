package org.pgjava.postmaster.pool;

import org.junit.jupiter.api.Test;
import org.pgjava.conf.errors.PgException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConnectionSlotsTest {

    @Test
    void maxConnectionsAndReservedSlots() {
        ConnectionSlots slots = new ConnectionSlots(3, 1);
        ConnectionSlots.Slot a = slots.reserve();
        a.checkReserved(false);
        ConnectionSlots.Slot b = slots.reserve();
        // 2 in use of 3, 1 reserved: a non-superuser taking the 2nd slot leaves 1 free = allowed
        b.checkReserved(false);
        ConnectionSlots.Slot c = slots.reserve();
        PgException e = assertThrows(PgException.class, () -> c.checkReserved(false));
        assertEquals("remaining connection slots are reserved for non-replication superuser connections",
                e.getMessage());
        assertEquals("53300", e.sqlState().code());
        c.checkReserved(true);
        PgException full = assertThrows(PgException.class, slots::reserve);
        assertEquals("sorry, too many clients already", full.getMessage());
        c.release();
        c.release(); // idempotent
        assertEquals(2, slots.inUse());
        slots.reserve();
        assertEquals(3, slots.inUse());
    }

    @Test
    void roleAndDatabaseLimits() {
        ConnectionSlots slots = new ConnectionSlots(10, 0);
        ConnectionSlots.Slot a = slots.reserve();
        a.bind(100, "alice", 1, 5, "db1", -1, false);
        ConnectionSlots.Slot b = slots.reserve();
        PgException e = assertThrows(PgException.class, () -> b.bind(100, "alice", 1, 5, "db1", -1, false));
        assertEquals("too many connections for role \"alice\"", e.getMessage());
        b.release();
        ConnectionSlots.Slot su = slots.reserve();
        su.bind(100, "alice", 1, 5, "db1", -1, true); // superusers are exempt
        su.release();
        ConnectionSlots.Slot d = slots.reserve();
        PgException de = assertThrows(PgException.class, () -> d.bind(101, "bob", -1, 5, "db1", 1, false));
        assertEquals("too many connections for database \"db1\"", de.getMessage());
        d.release();
        a.release();
        ConnectionSlots.Slot again = slots.reserve();
        again.bind(100, "alice", 1, 5, "db1", 1, false);
        assertEquals(1, slots.inUse());
    }
}
