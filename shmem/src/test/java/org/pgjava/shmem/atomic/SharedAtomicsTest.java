package org.pgjava.shmem.atomic;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.*;

/** The atomic operations' results, native byte order, and the alignment and bounds checks. */
class SharedAtomicsTest {
    @Test
    void longViewOperations() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment m = arena.allocate(64, 64);
            SharedAtomicLong a = new SharedAtomicLong(m, 8);
            a.set(5);
            assertEquals(5, a.get());
            assertEquals(5, a.getAndAdd(3));
            assertEquals(10, a.addAndGet(2));
            assertTrue(a.compareAndSet(10, 20));
            assertFalse(a.compareAndSet(10, 30));
            assertEquals(20, a.compareAndExchange(99, 1));
            assertEquals(20, a.getAndOr(0x0F));
            assertEquals(0x1F, a.getAndAnd(0x3));
            assertEquals(3, a.getAndSet(-1L));
            a.setRelease(0x0102030405060708L);
            assertEquals(0x0102030405060708L, a.getAcquire());
            assertEquals(0x0102030405060708L, a.getPlain());
            assertEquals(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0x08 : 0x01, m.get(ValueLayout.JAVA_BYTE, 8));
            assertEquals(m.address() + 8, a.address());
        }
    }

    @Test
    void intViewOperations() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment m = arena.allocate(64, 64);
            SharedAtomicInt a = new SharedAtomicInt(m, 4);
            a.setPlain(7);
            assertEquals(7, a.getAndAdd(-2));
            assertEquals(5, a.get());
            assertTrue(a.compareAndSet(5, 6));
            assertEquals(6, a.getAndOr(1 << 30));
            assertEquals((1 << 30) | 6, a.getAndAnd(~(1 << 30)));
            assertEquals(6, a.getAndSet(0));
            assertEquals(0, SharedAtomics.getInt(m, 4));
            assertEquals(0L, SharedAtomics.getLong(m, 0));
        }
    }

    @Test
    void misalignedOrOutOfBoundsWordsAreRefused() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment m = arena.allocate(64, 64);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SharedAtomicLong(m, 4));
            assertEquals("word at offset 4 is not 8-byte aligned", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new SharedAtomicInt(m, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> new SharedAtomicLong(m, 64));
            assertThrows(IllegalArgumentException.class, () -> SharedAtomics.getAndAddLong(m, 12, 1));
        }
    }
}
