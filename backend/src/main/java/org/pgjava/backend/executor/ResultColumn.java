package org.pgjava.backend.executor;

/**
 * One column of a statement's result, exactly the fields of a RowDescription entry.
 *
 * @param name        column label ("?column?" when PostgreSQL would print that)
 * @param tableOid    OID of the table the column comes from, or 0
 * @param columnNumber attribute number in that table, or 0
 * @param typeOid     pg_type OID of the column's data type
 * @param typeLen     pg_type.typlen (-1 varlena)
 * @param typeMod     type modifier (atttypmod), -1 if none
 */
public record ResultColumn(String name, int tableOid, short columnNumber, int typeOid, short typeLen, int typeMod) {
}
