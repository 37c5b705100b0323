package org.pgjava.catalog.bootstrap;

/**
 * One column of a catalog (or of a user table) as pg_attribute describes it: the fields a heap tuple
 * former and a row builder need.
 *
 * @param name       attname
 * @param typeOid    atttypid
 * @param length     attlen (bytes; -1 varlena, -2 C string)
 * @param number     attnum (1.. for user columns; -1 ctid .. -6 tableoid for system columns)
 * @param byValue    attbyval
 * @param align      attalign: 'c' char, 's' short, 'i' int, 'd' double
 * @param storage    attstorage: 'p' plain, 'e' external, 'm' main, 'x' extended
 * @param notNull    attnotnull
 * @param collation  attcollation (0 = not collatable)
 */
public record CatalogColumn(String name, long typeOid, short length, short number, boolean byValue,
                            char align, char storage, boolean notNull, long collation) {
}
