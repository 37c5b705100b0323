package org.pgjava.backend.nodes;

import java.util.List;

/**
 * A column named as the target of an assignment: an INSERT column-list entry or the left side of an
 * UPDATE SET item ({@code c}, or {@code c.f} with field {@code fields}).
 *
 * @param name     the column name
 * @param fields   field selections written after the name ({@code c.f.g}), empty when none
 * @param location 0-based offset of the name
 */
public record AssignTarget(String name, List<String> fields, int location) implements Node {
}
