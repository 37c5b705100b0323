package org.pgjava.backend.nodes;

import java.util.List;

/**
 * {@code DROP TABLE [IF EXISTS] name [, ...] [CASCADE | RESTRICT]}.
 *
 * @param names   each name as written ({@code [schema.]table}, one or two parts)
 * @param cascade CASCADE was written
 */
public record DropTableStmt(List<List<String>> names, boolean ifExists, boolean cascade, int location) implements Node {
}
