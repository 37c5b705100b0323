package org.pgjava.backend.utils.adt;

/**
 * The numeric values a BigDecimal cannot hold. A numeric value is a {@link java.math.BigDecimal} (scale =
 * PostgreSQL's display scale, never negative) or one of these.
 */
public enum NumericSpecial {
    NAN("NaN"), POSITIVE_INFINITY("Infinity"), NEGATIVE_INFINITY("-Infinity");

    private final String text;

    NumericSpecial(String text) {
        this.text = text;
    }

    /** PostgreSQL's text output of the value. */
    public String text() {
        return text;
    }
}
