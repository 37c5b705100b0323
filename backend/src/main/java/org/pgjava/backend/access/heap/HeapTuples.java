package org.pgjava.backend.access.heap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.pgjava.backend.storage.page.Page;
import org.pgjava.backend.utils.adt.NumericSpecial;
import org.pgjava.backend.utils.adt.Numerics;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Forming and deforming heap tuples (PostgreSQL's heap_form_tuple / heap_deform_tuple): Java values in
 * {@link org.pgjava.backend.utils.adt.TypeIO}'s representations to the on-page byte form and back.
 *
 * <p>Entry points: {@link #form}, {@link #deform(TupleDescriptor, MemorySegment)},
 * {@link #deform(TupleDescriptor, MemorySegment, Object[])}.
 *
 * <p><b>Tuple layout</b>: the {@link HeapTupleHeader} (23 bytes), the null bitmap if any value is NULL, padding
 * to t_hoff = MAXALIGN(23 + bitmap), then each non-NULL attribute in order, aligned to its typalign
 * (offsets counted from the tuple start, which is MAXALIGNed on the page). Padding bytes are zero.
 *
 * <p><b>Attribute encodings</b> (native byte order, little-endian on every supported platform):
 * <pre>
 * bool            1 byte 0/1                       int2    2 bytes          int4, date  4 bytes
 * int8, timestamp, timestamptz, time  8 bytes      float4  4-byte IEEE      float8      8-byte IEEE
 * oid, regproc, regclass, regtype, regnamespace, regrole, regprocedure, regoper, regoperator, xid, cid
 *                 4-byte unsigned
 * name            64 bytes: UTF-8, NUL-padded (at most 63 bytes of text)
 * "char"          1 byte: the first UTF-8 byte of the value, 0 for the empty string
 * uuid            16 bytes, most significant byte first (as PostgreSQL)
 * varlena types   text, varchar, bpchar, json, xml, pg_node_tree, refcursor (UTF-8), bytea (raw), numeric
 * </pre>
 * A varlena value of n data bytes is stored with PostgreSQL's VARATT conventions: if n + 1 &lt;= 127, a
 * 1-byte header {@code ((n + 1) << 1) | 1} and no alignment; otherwise, aligned to 4, a 4-byte header
 * {@code (n + 4) << 2} (low two bits 00 = "4-byte, uncompressed"). Reading accepts both forms at any size;
 * compressed (low bits 10) and external TOAST pointers (first byte 0x01) are never written and are refused
 * as corrupt.
 *
 * <p><b>numeric</b> is stored as a varlena whose data is the binary wire form of {@link Numerics#send}: int16
 * ndigits, int16 weight, uint16 sign (0x0000 +, 0x4000 -, 0xC000 NaN, 0xD000 +Infinity, 0xF000 -Infinity),
 * int16 dscale, then ndigits int16 base-10000 digits, all big-endian. It keeps the display scale and the
 * special values exactly. (PostgreSQL's own on-disk numeric uses a packed header; this one is pgjava's.)
 */
public final class HeapTuples {
    private HeapTuples() {
    }

    /** MaxHeapTupleSize: 8192 - MAXALIGN(24 + 4) = 8160. */
    public static final int MAX_HEAP_TUPLE_SIZE = Page.SIZE - Page.maxAlign(Page.HEADER_SIZE + Page.ITEM_ID_SIZE);
    /** NAMEDATALEN. */
    public static final int NAMEDATALEN = 64;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    static {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("heap tuple varlena headers are implemented for little-endian only");
        }
    }

    /** aligned offset: {@code off} rounded up to {@code column}'s typalign. */
    private static int align(int off, char typalign) {
        int a = HeapColumn.alignment(typalign);
        return (off + a - 1) & -a;
    }

    /**
     * heap_form_tuple: a new tuple of {@code values} (null elements are SQL NULLs) shaped by {@code desc}.
     * The header has natts, HEAP_HASNULL / HEAP_HASVARWIDTH and t_hoff set; xmin, xmax, cid, ctid and the
     * transaction-status bits are zero (see {@link HeapTupleHeader#prepareInsert}).
     *
     * @return the tuple bytes (length = t_len, not MAXALIGNed)
     * @throws PgException 54011 "number of columns (%d) exceeds limit (%d)" above 1664 attributes;
     *                     54000 "row is too big: size %d, maximum size %d" when MAXALIGN(t_len) exceeds
     *                     {@link #MAX_HEAP_TUPLE_SIZE} (values are never compressed or moved out of line)
     * @throws IllegalArgumentException if a value's Java type does not match its column, or a name value is
     *                     longer than 63 bytes
     */
    public static byte[] form(TupleDescriptor desc, Object[] values) {
        int natts = desc.size();
        if (values.length != natts) {
            throw new IllegalArgumentException(values.length + " values for " + natts + " attributes");
        }
        if (natts > HeapTupleHeader.MAX_TUPLE_ATTRIBUTES) {
            throw PgException.error(SqlState.TOO_MANY_COLUMNS, "number of columns (" + natts
                    + ") exceeds limit (" + HeapTupleHeader.MAX_TUPLE_ATTRIBUTES + ")");
        }
        boolean hasNull = false;
        byte[][] varData = new byte[natts][];
        for (int i = 0; i < natts; i++) {
            if (values[i] == null) {
                hasNull = true;
            } else if (desc.column(i).isVarlena()) {
                varData[i] = varlenaData(desc.column(i), values[i]);
            }
        }
        int hoff = Page.maxAlign(HeapTupleHeader.SIZE + (hasNull ? (natts + 7) / 8 : 0));
        int off = hoff;
        for (int i = 0; i < natts; i++) {
            if (values[i] == null) {
                continue;
            }
            HeapColumn col = desc.column(i);
            if (col.isVarlena()) {
                int n = varData[i].length;
                if (n + 1 <= 127) {
                    off += n + 1;
                } else {
                    off = align(off, col.typalign()) + 4 + n;
                }
            } else {
                off = align(off, col.typalign()) + col.typlen();
            }
            if (off > Integer.MAX_VALUE / 2) {
                break; // already far too big; stop before int overflow (reported below)
            }
        }
        int len = off;
        if (Page.maxAlign(len) > MAX_HEAP_TUPLE_SIZE) {
            throw PgException.error(SqlState.PROGRAM_LIMIT_EXCEEDED, "row is too big: size " + Page.maxAlign(len)
                    + ", maximum size " + MAX_HEAP_TUPLE_SIZE);
        }
        byte[] bytes = new byte[len];
        MemorySegment t = MemorySegment.ofArray(bytes);
        int infomask = hasNull ? HeapTupleHeader.HEAP_HASNULL : 0;
        off = hoff;
        for (int i = 0; i < natts; i++) {
            Object v = values[i];
            if (v == null) {
                continue;
            }
            if (hasNull) {
                int pos = HeapTupleHeader.OFF_BITS + i / 8;
                bytes[pos] |= (byte) (1 << (i % 8));
            }
            HeapColumn col = desc.column(i);
            if (col.isVarlena()) {
                infomask |= HeapTupleHeader.HEAP_HASVARWIDTH;
                byte[] d = varData[i];
                int n = d.length;
                if (n + 1 <= 127) {
                    bytes[off] = (byte) (((n + 1) << 1) | 1);
                    System.arraycopy(d, 0, bytes, off + 1, n);
                    off += n + 1;
                } else {
                    off = align(off, col.typalign());
                    t.set(INT, off, (n + 4) << 2);
                    System.arraycopy(d, 0, bytes, off + 4, n);
                    off += n + 4;
                }
            } else {
                off = align(off, col.typalign());
                writeFixed(col, v, t, off);
                off += col.typlen();
            }
        }
        HeapTupleHeader.setInfomask(t, infomask);
        HeapTupleHeader.setInfomask2(t, natts);
        t.set(ValueLayout.JAVA_BYTE, HeapTupleHeader.OFF_HOFF, (byte) hoff);
        return bytes;
    }

    private static IllegalArgumentException wrongType(HeapColumn col, Object v) {
        return new IllegalArgumentException("value of " + v.getClass().getSimpleName() + " for a column of type "
                + col.typeOid());
    }

    private static byte[] varlenaData(HeapColumn col, Object v) {
        return switch (col.typeOid()) {
            case 17 -> {
                if (!(v instanceof byte[] b)) {
                    throw wrongType(col, v);
                }
                yield b;
            }
            case 1700 -> {
                if (v instanceof BigDecimal d) {
                    yield Numerics.send(d.scale() < 0 ? d.setScale(0) : d);
                }
                if (v instanceof NumericSpecial) {
                    yield Numerics.send(v);
                }
                throw wrongType(col, v);
            }
            default -> {
                if (!(v instanceof String s)) {
                    throw wrongType(col, v);
                }
                yield s.getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    private static void writeFixed(HeapColumn col, Object v, MemorySegment t, int off) {
        try {
            switch (col.typeOid()) {
                case 16 -> t.set(ValueLayout.JAVA_BYTE, off, (byte) (((Boolean) v) ? 1 : 0));
                case 21 -> t.set(SHORT, off, (Short) v);
                case 23, 1082 -> t.set(INT, off, (Integer) v);
                case 20, 1083, 1114, 1184 -> t.set(LONG, off, (Long) v);
                case 700 -> t.set(INT, off, Float.floatToRawIntBits((Float) v));
                case 701 -> t.set(LONG, off, Double.doubleToRawLongBits((Double) v));
                case 24, 26, 28, 29, 2202, 2203, 2204, 2205, 2206, 4089, 4096 -> {
                    long x = ((Number) v).longValue();
                    if (x < 0 || x > 0xFFFF_FFFFL) {
                        throw new IllegalArgumentException("unsigned 32-bit value out of range: " + x);
                    }
                    t.set(INT, off, (int) x);
                }
                case 19 -> {
                    byte[] b = ((String) v).getBytes(StandardCharsets.UTF_8);
                    if (b.length >= NAMEDATALEN) {
                        throw new IllegalArgumentException("name longer than 63 bytes: " + v);
                    }
                    MemorySegment.copy(MemorySegment.ofArray(b), 0, t, off, b.length);
                }
                case 18 -> {
                    byte[] b = ((String) v).getBytes(StandardCharsets.UTF_8);
                    t.set(ValueLayout.JAVA_BYTE, off, b.length == 0 ? 0 : b[0]);
                }
                case 2950 -> {
                    UUID u = (UUID) v;
                    t.set(LONG_BE, off, u.getMostSignificantBits());
                    t.set(LONG_BE, off + 8, u.getLeastSignificantBits());
                }
                default -> throw PgException.notSupported("storing values of type " + col.typeOid());
            }
        } catch (ClassCastException e) {
            throw wrongType(col, v);
        }
    }

    /** heap_deform_tuple with missing trailing attributes read as NULL. */
    public static Object[] deform(TupleDescriptor desc, MemorySegment tuple) {
        return deform(desc, tuple, null);
    }

    /**
     * heap_deform_tuple: the values of {@code tuple} (the tuple's bytes, e.g. {@link Page#getItem}) in
     * {@code desc}'s order. A tuple stored with fewer attributes than {@code desc} has (the table got
     * columns by ALTER TABLE ADD COLUMN afterwards) yields {@code missing[i]} for each later attribute i, or
     * NULL when {@code missing} is null (PostgreSQL's attmissingval). Stored attributes beyond desc are
     * ignored.
     *
     * @throws PgException XX001 for a compressed or external varlena (never written by {@link #form}) or a
     *                     value running past the tuple's end
     */
    public static Object[] deform(TupleDescriptor desc, MemorySegment tuple, Object[] missing) {
        int natts = desc.size();
        Object[] out = new Object[natts];
        int stored = Math.min(HeapTupleHeader.natts(tuple), natts);
        boolean hasNull = HeapTupleHeader.has(tuple, HeapTupleHeader.HEAP_HASNULL);
        int off = HeapTupleHeader.hoff(tuple);
        long len = tuple.byteSize();
        for (int i = 0; i < stored; i++) {
            if (hasNull) {
                int bits = tuple.get(ValueLayout.JAVA_BYTE, HeapTupleHeader.OFF_BITS + i / 8);
                if ((bits & (1 << (i % 8))) == 0) {
                    continue;
                }
            }
            HeapColumn col = desc.column(i);
            if (col.isVarlena()) {
                if (off >= len) {
                    throw corrupt("varlena attribute " + (i + 1) + " starts past the tuple end");
                }
                // att_align_pointer: a zero byte is padding before an aligned 4-byte header
                if (tuple.get(ValueLayout.JAVA_BYTE, off) == 0) {
                    off = align(off, col.typalign());
                }
                int b0 = tuple.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
                int dataStart;
                int total;
                if ((b0 & 0x01) == 0x01) {
                    if (b0 == 0x01) {
                        throw corrupt("external TOAST pointer in attribute " + (i + 1));
                    }
                    total = b0 >>> 1;
                    dataStart = off + 1;
                } else {
                    if ((b0 & 0x03) == 0x02) {
                        throw corrupt("compressed value in attribute " + (i + 1));
                    }
                    total = (tuple.get(INT, off) >>> 2) & 0x3FFF_FFFF;
                    dataStart = off + 4;
                    if (total < 4) {
                        throw corrupt("varlena length " + total + " in attribute " + (i + 1));
                    }
                }
                if (off + total > len) {
                    throw corrupt("attribute " + (i + 1) + " runs past the tuple end");
                }
                byte[] data = tuple.asSlice(dataStart, off + total - dataStart).toArray(ValueLayout.JAVA_BYTE);
                out[i] = readVarlena(col, data);
                off += total;
            } else {
                off = align(off, col.typalign());
                if (off + col.typlen() > len) {
                    throw corrupt("attribute " + (i + 1) + " runs past the tuple end");
                }
                out[i] = readFixed(col, tuple, off);
                off += col.typlen();
            }
        }
        if (missing != null) {
            for (int i = stored; i < natts; i++) {
                out[i] = missing[i];
            }
        }
        return out;
    }

    private static PgException corrupt(String what) {
        return PgException.error(SqlState.DATA_CORRUPTED, "invalid heap tuple: " + what);
    }

    private static Object readVarlena(HeapColumn col, byte[] data) {
        return switch (col.typeOid()) {
            case 17 -> data;
            case 1700 -> Numerics.receive(data);
            default -> new String(data, StandardCharsets.UTF_8);
        };
    }

    private static Object readFixed(HeapColumn col, MemorySegment t, int off) {
        return switch (col.typeOid()) {
            case 16 -> t.get(ValueLayout.JAVA_BYTE, off) != 0;
            case 21 -> t.get(SHORT, off);
            case 23, 1082 -> t.get(INT, off);
            case 20, 1083, 1114, 1184 -> t.get(LONG, off);
            case 700 -> Float.intBitsToFloat(t.get(INT, off));
            case 701 -> Double.longBitsToDouble(t.get(LONG, off));
            case 24, 26, 28, 29, 2202, 2203, 2204, 2205, 2206, 4089, 4096 -> t.get(INT, off) & 0xFFFF_FFFFL;
            case 19 -> {
                int n = 0;
                while (n < NAMEDATALEN && t.get(ValueLayout.JAVA_BYTE, off + n) != 0) {
                    n++;
                }
                yield new String(t.asSlice(off, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            }
            case 18 -> {
                int b = t.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
                yield b == 0 ? "" : b < 0x80 ? String.valueOf((char) b)
                        : new String(new byte[] {(byte) b}, StandardCharsets.ISO_8859_1);
            }
            case 2950 -> new UUID(t.get(LONG_BE, off), t.get(LONG_BE, off + 8));
            default -> throw PgException.notSupported("reading values of type " + col.typeOid());
        };
    }
}
