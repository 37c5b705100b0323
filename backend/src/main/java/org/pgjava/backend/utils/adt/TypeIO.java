package org.pgjava.backend.utils.adt;

import org.pgjava.backend.utils.SessionContext;
import org.pgjava.conf.errors.PgException;

/**
 * Text and binary input/output of every built-in type pgjava supports, as PostgreSQL's typinput,
 * typoutput, typreceive and typsend functions. Java representations: bool Boolean, int2 Short, int4
 * Integer, int8 Long, float4 Float, float8 Double, numeric BigDecimal (plus NaN/Infinity handling in
 * adt), text/varchar/bpchar/name String, bytea byte[], oid Long... (see the adt package README).
 * (Contract; the implementation is being built.)
 */
public final class TypeIO {
    private TypeIO() {
    }

    /** Text output as PostgreSQL prints the value (honours DateStyle, extra_float_digits, bytea_output). */
    public static String output(int typeOid, Object value, SessionContext ctx) {
        throw PgException.notSupported("type output is not built yet");
    }

    /** True when the type has a binary send/receive format pgjava implements. */
    public static boolean hasBinary(int typeOid) {
        return false;
    }

    /** Binary (typsend) form. @throws PgException 0A000 if {@link #hasBinary} is false */
    public static byte[] send(int typeOid, Object value) {
        throw PgException.notSupported("binary output is not built yet");
    }

    /** Text input. @throws PgException 22P02 (and the type's other input errors) with PostgreSQL's message */
    public static Object input(int typeOid, String text, SessionContext ctx) {
        throw PgException.notSupported("type input is not built yet");
    }

    /** Binary (typreceive) input. @throws PgException 22P03 on malformed data */
    public static Object receive(int typeOid, byte[] data) {
        throw PgException.notSupported("binary input is not built yet");
    }
}
