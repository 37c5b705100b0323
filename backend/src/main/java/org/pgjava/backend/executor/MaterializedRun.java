package org.pgjava.backend.executor;

import java.util.ArrayList;
import java.util.List;
import org.pgjava.conf.errors.PgException;

/**
 * A {@link QueryRun} over rows computed up front (a data-modifying statement runs to completion when it
 * starts, like PostgreSQL's PORTAL_ONE_RETURNING, which fills a tuplestore before the first fetch): serves
 * the rows, then the fixed command tag, and hands over its notices once.
 */
final class MaterializedRun implements QueryRun {
    private final List<Object[]> rows;
    private final String tag;
    private List<PgException> notices;
    private int next;

    MaterializedRun(List<Object[]> rows, String tag, List<PgException> notices) {
        this.rows = rows;
        this.tag = tag;
        this.notices = new ArrayList<>(notices);
    }

    @Override
    public Object[] next() {
        return next < rows.size() ? rows.get(next++) : null;
    }

    @Override
    public String commandTag() {
        return tag;
    }

    @Override
    public List<PgException> takeNotices() {
        List<PgException> out = notices;
        notices = new ArrayList<>();
        return out;
    }

    @Override
    public void close() {
        next = rows.size();
    }
}
