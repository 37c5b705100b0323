package org.pgjava.catalog.rows;

/**
 * One user column as CREATE TABLE or ALTER TABLE ADD COLUMN defines it, after the analyzer has resolved
 * its type.
 *
 * @param name       attname
 * @param type       the column type's pg_type shape
 * @param typmod     atttypmod (-1 = none; e.g. varchar(10) is 14, numeric(10,2) is 655366)
 * @param dimensions attndims: the number of array dimensions declared ({@code bool[]} is 1), 0 otherwise
 * @param notNull    attnotnull
 * @param hasDefault atthasdef (the pg_attrdef row is written separately, see {@link TableRows#attrdefRow})
 * @param collation  attcollation: the column's collation, normally {@code type.collation()}
 */
public record ColumnDefinition(String name, TypeShape type, int typmod, int dimensions, boolean notNull,
                               boolean hasDefault, long collation) {

    /** A column with the type's default collation, no typmod, no array dimensions, nullable, no default. */
    public static ColumnDefinition of(String name, TypeShape type) {
        return new ColumnDefinition(name, type, -1, 0, false, false, type.collation());
    }
}
