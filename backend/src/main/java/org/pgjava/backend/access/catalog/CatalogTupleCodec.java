package org.pgjava.backend.access.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.pgjava.backend.access.heap.HeapColumn;
import org.pgjava.backend.access.heap.TupleDescriptor;
import org.pgjava.backend.utils.relation.RelationColumn;
import org.pgjava.catalog.bootstrap.CatalogColumn;
import org.pgjava.catalog.bootstrap.CatalogShape;
import org.pgjava.catalog.bootstrap.CatalogValues;

/**
 * How one system catalog's rows are stored in heap tuples and shown to SQL. Rows in the catalog module's
 * representation ({@link CatalogValues}: oid Long, name String, oidvector Long[], aclitem[] String[], ...)
 * become heap values ({@link org.pgjava.backend.access.heap.HeapTuples}' representation) and back.
 *
 * <p>Storage rules (pgjava-specific where PostgreSQL's array storage is not built):
 * <ol>
 *   <li>Scalar columns (bool, "char", name, int2, int4, int8, oid, regproc, xid, float4, text,
 *       pg_node_tree) are stored in their own type with PostgreSQL's attlen/attalign: the tuple bytes are
 *       PostgreSQL's.</li>
 *   <li>timestamptz (rolvaliduntil) is stored as int8 microseconds since 2000-01-01 UTC (its PostgreSQL
 *       form); the catalog value is an {@link Instant}.</li>
 *   <li>Array-like columns (oidvector, int2vector, oid[], int2[], text[], name[], "char"[], aclitem[],
 *       anyarray) are stored as a text varlena holding PostgreSQL's text output of the value
 *       ({@code 23 25} for a vector, {@code {a,"b c"}} for an array). PostgreSQL stores its binary array
 *       format; pgjava's executor has no array type yet, so SQL sees these columns as {@code text}.</li>
 * </ol>
 *
 * <p>Entry points: {@link #descriptor()}, {@link #toStored(Object[])}, {@link #fromStored(Object[])},
 * {@link #sqlColumns()}, {@link #toSql(Object[])}.
 */
public final class CatalogTupleCodec {
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;
    private static final int TEXT = 25;
    private static final int INT8 = 20;

    private final CatalogShape shape;
    private final TupleDescriptor descriptor;
    private final List<RelationColumn> sqlColumns;

    /** The codec of {@code shape}'s catalog. */
    public CatalogTupleCodec(CatalogShape shape) {
        this.shape = shape;
        List<HeapColumn> stored = new ArrayList<>();
        List<RelationColumn> sql = new ArrayList<>();
        for (CatalogColumn c : shape.columns()) {
            if (isArrayLike(c.typeOid())) {
                stored.add(new HeapColumn(TEXT, -1, -1, false, 'i'));
                sql.add(new RelationColumn(c.name(), TEXT, -1));
            } else if (c.typeOid() == CatalogValues.TIMESTAMPTZ) {
                stored.add(new HeapColumn((int) c.typeOid(), -1, 8, true, 'd'));
                sql.add(new RelationColumn(c.name(), (int) c.typeOid(), -1));
            } else {
                stored.add(new HeapColumn((int) c.typeOid(), -1, c.length(), c.byValue(), c.align()));
                sql.add(new RelationColumn(c.name(), (int) c.typeOid(), -1));
            }
        }
        this.descriptor = new TupleDescriptor(stored);
        this.sqlColumns = List.copyOf(sql);
    }

    /** The catalog's shape. */
    public CatalogShape shape() {
        return shape;
    }

    /** The stored tuple layout (one attribute per user column). */
    public TupleDescriptor descriptor() {
        return descriptor;
    }

    /** The columns SQL sees (array-like columns as text). */
    public List<RelationColumn> sqlColumns() {
        return sqlColumns;
    }

    private static boolean isArrayLike(long typeOid) {
        return typeOid == CatalogValues.OIDVECTOR || typeOid == CatalogValues.INT2VECTOR
                || typeOid == CatalogValues.OID_ARRAY || typeOid == CatalogValues.INT2_ARRAY
                || typeOid == CatalogValues.TEXT_ARRAY || typeOid == CatalogValues.NAME_ARRAY
                || typeOid == CatalogValues.CHAR_ARRAY || typeOid == CatalogValues.ACLITEM_ARRAY
                || typeOid == CatalogValues.ANYARRAY;
    }

    /** A catalog row (CatalogValues representation, attnum order) as heap values. */
    public Object[] toStored(Object[] row) {
        Object[] out = new Object[row.length];
        for (int i = 0; i < row.length; i++) {
            Object v = row[i];
            long type = shape.columns().get(i).typeOid();
            if (v == null) {
                out[i] = null;
            } else if (type == CatalogValues.OIDVECTOR || type == CatalogValues.INT2VECTOR) {
                out[i] = Arrays.stream((Object[]) v).map(String::valueOf).collect(Collectors.joining(" "));
            } else if (type == CatalogValues.ANYARRAY) {
                out[i] = (String) v;
            } else if (isArrayLike(type)) {
                out[i] = arrayLiteral((Object[]) v);
            } else if (type == CatalogValues.TIMESTAMPTZ) {
                Instant t = (Instant) v;
                out[i] = (t.getEpochSecond() - POSTGRES_EPOCH_SECONDS) * 1_000_000L + t.getNano() / 1000;
            } else {
                out[i] = v;
            }
        }
        return out;
    }

    /** Heap values read from a tuple back in the catalog module's representation. */
    public Object[] fromStored(Object[] stored) {
        Object[] out = new Object[shape.columnCount()];
        for (int i = 0; i < out.length; i++) {
            Object v = i < stored.length ? stored[i] : null;
            long type = shape.columns().get(i).typeOid();
            if (v == null) {
                out[i] = null;
            } else if (type == CatalogValues.OIDVECTOR) {
                String s = (String) v;
                out[i] = s.isEmpty() ? new Long[0] : Arrays.stream(s.split(" ")).map(Long::valueOf).toArray(Long[]::new);
            } else if (type == CatalogValues.INT2VECTOR) {
                String s = (String) v;
                out[i] = s.isEmpty() ? new Short[0] : Arrays.stream(s.split(" ")).map(Short::valueOf).toArray(Short[]::new);
            } else if (type == CatalogValues.OID_ARRAY) {
                out[i] = CatalogValues.parseArrayLiteral((String) v).stream().map(Long::valueOf).toArray(Long[]::new);
            } else if (type == CatalogValues.INT2_ARRAY) {
                out[i] = CatalogValues.parseArrayLiteral((String) v).stream().map(Short::valueOf).toArray(Short[]::new);
            } else if (type == CatalogValues.ANYARRAY) {
                out[i] = v;
            } else if (isArrayLike(type)) {
                out[i] = CatalogValues.parseArrayLiteral((String) v).toArray(String[]::new);
            } else if (type == CatalogValues.TIMESTAMPTZ) {
                long micros = (Long) v;
                out[i] = Instant.ofEpochSecond(POSTGRES_EPOCH_SECONDS + Math.floorDiv(micros, 1_000_000L),
                        Math.floorMod(micros, 1_000_000L) * 1000);
            } else {
                out[i] = v;
            }
        }
        return out;
    }

    /**
     * Heap values as SQL sees them ({@link #sqlColumns()}): the stored values unchanged (array-like columns
     * are their text, timestamptz its microseconds, which is TypeIO's representation).
     */
    public Object[] toSql(Object[] stored) {
        return stored.length == descriptor.size() ? stored : Arrays.copyOf(stored, descriptor.size());
    }

    /** PostgreSQL's array_out text of a one-dimensional array (elements quoted when they need it). */
    static String arrayLiteral(Object[] elements) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < elements.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            Object e = elements[i];
            if (e == null) {
                b.append("NULL");
                continue;
            }
            String s = String.valueOf(e);
            if (needsQuotes(s)) {
                b.append('"');
                for (char c : s.toCharArray()) {
                    if (c == '"' || c == '\\') {
                        b.append('\\');
                    }
                    b.append(c);
                }
                b.append('"');
            } else {
                b.append(s);
            }
        }
        return b.append('}').toString();
    }

    private static boolean needsQuotes(String s) {
        if (s.isEmpty() || s.equalsIgnoreCase("NULL")) {
            return true;
        }
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || Character.isWhitespace(c)) {
                return true;
            }
        }
        return false;
    }
}
