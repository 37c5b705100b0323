package org.pgjava.backend.access.catalog;

/**
 * One catalog row as read: its ctid (for update/delete) and its values in the catalog module's
 * representation ({@link org.pgjava.catalog.bootstrap.CatalogValues}), attnum order.
 *
 * @param ctid the row version's tid
 * @param row  the values
 */
public record CatalogTuple(long ctid, Object[] row) {
}
