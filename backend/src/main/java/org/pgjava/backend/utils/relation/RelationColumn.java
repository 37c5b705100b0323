package org.pgjava.backend.utils.relation;

/**
 * One column of a {@link RelationSource}, as pg_attribute describes it.
 *
 * @param name    attname
 * @param typeOid atttypid (a pg_type OID the executor supports, see TypeIO)
 * @param typmod  atttypmod, -1 if none
 */
public record RelationColumn(String name, int typeOid, int typmod) {
}
