package org.pgjava.backend.nodes;

import java.util.List;

/**
 * A type name as written: {@code names} already normalised for SQL-standard spellings (INTEGER -> int4,
 * DOUBLE PRECISION -> float8, CHARACTER VARYING -> varchar, ...; PostgreSQL's SystemTypeName), type
 * modifiers such as (10) or (10,2), and array bounds ({@code arrayDims} &gt; 0 for int[]).
 */
public record TypeName(List<String> names, List<ExprNode> typmods, int arrayDims, int location) implements Node {
    /** The last component of the name (the type name without schema). */
    public String baseName() {
        return names.get(names.size() - 1);
    }
}
