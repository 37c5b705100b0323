package org.pgjava.backend.access.heap;

import java.util.ArrayList;
import java.util.List;

import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.utils.relation.TableColumn;

/**
 * The description of one heap relation a {@link HeapTable} works on: what the catalogs (pg_class,
 * pg_attribute, pg_attrdef) say about it. Immutable; built by the relation cache.
 *
 * @param tableOid      pg_class.oid (the relation lock's tag uses it with {@code locator.dbOid()})
 * @param schemaName    the namespace's name
 * @param name          relname
 * @param locator       the relation's files (relfilenode; dbOid 0 and the global tablespace for shared catalogs)
 * @param columns       every attribute in attnum order, dropped ones included
 * @param storage       each attribute's stored form (pg_attribute's attlen, attbyval, attalign; for a dropped
 *                      column the values it was stored with), same size as {@code columns}
 * @param missingValues per attribute, the value rows stored before the attribute was added read as
 *                      (attmissingval), or null for NULL; null or shorter than {@code columns} = all NULL
 */
public record HeapRelation(int tableOid, String schemaName, String name, RelFileLocator locator,
                           List<TableColumn> columns, List<HeapColumn> storage, Object[] missingValues) {
    public HeapRelation {
        columns = List.copyOf(columns);
        storage = List.copyOf(storage);
        if (storage.size() != columns.size()) {
            throw new IllegalArgumentException("storage has " + storage.size() + " entries for " + columns.size()
                    + " columns");
        }
        Object[] m = new Object[columns.size()];
        if (missingValues != null) {
            System.arraycopy(missingValues, 0, m, 0, Math.min(m.length, missingValues.length));
        }
        missingValues = m;
    }

    /**
     * A relation whose attributes' storage is that of their built-in types ({@link HeapColumn#of}).
     *
     * @throws org.pgjava.conf.errors.PgException 0A000 for a column type with no stored form
     * @throws IllegalArgumentException for a dropped column of type 0 (its storage must be given)
     */
    public static HeapRelation of(int tableOid, String schemaName, String name, RelFileLocator locator,
                                  List<TableColumn> columns, Object[] missingValues) {
        List<HeapColumn> storage = new ArrayList<>(columns.size());
        for (TableColumn c : columns) {
            if (c.typeOid() == 0) {
                throw new IllegalArgumentException("dropped column " + c.name() + " needs its stored form");
            }
            storage.add(HeapColumn.of(c.typeOid(), c.typmod()));
        }
        return new HeapRelation(tableOid, schemaName, name, locator, columns, storage, missingValues);
    }

    /** The tuple descriptor of the stored rows. */
    public TupleDescriptor descriptor() {
        return new TupleDescriptor(storage);
    }

    @Override
    public Object[] missingValues() {
        return missingValues.clone();
    }
}
