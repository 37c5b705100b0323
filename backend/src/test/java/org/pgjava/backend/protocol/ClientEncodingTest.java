package org.pgjava.backend.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.pgjava.conf.errors.PgException;

class ClientEncodingTest {
    private static String utf8Error(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) bytes[i];
        PgException e = assertThrows(PgException.class, () -> ClientEncoding.UTF8.decode(b, 0, b.length));
        assertEquals("22021", e.sqlState().code());
        return e.getMessage();
    }

    @Test
    void invalidUtf8IsReportedAsPostgreSQLDoes() {
        assertEquals("invalid byte sequence for encoding \"UTF8\": 0xc3 0x28", utf8Error('a', 0xc3, 0x28));
        assertEquals("invalid byte sequence for encoding \"UTF8\": 0xff", utf8Error(0xff));
        assertEquals("invalid byte sequence for encoding \"UTF8\": 0xe2 0x82", utf8Error(0xe2, 0x82));
        assertEquals("invalid byte sequence for encoding \"UTF8\": 0xed 0xa0 0x80", utf8Error(0xed, 0xa0, 0x80));
        assertEquals("invalid byte sequence for encoding \"UTF8\": 0xc0 0x80", utf8Error(0xc0, 0x80));
        assertEquals("invalid byte sequence for encoding \"UTF8\": 0x00", utf8Error('x', 0));
    }

    @Test
    void validUtf8AndAsciiDecode() {
        byte[] b = "héllo €𝄞".getBytes(StandardCharsets.UTF_8);
        assertEquals("héllo €𝄞", ClientEncoding.UTF8.decode(b, 0, b.length));
        assertEquals("abc", ClientEncoding.UTF8.decode("xabcx".getBytes(), 1, 3));
    }

    @Test
    void sqlAsciiPassesUtf8Through() {
        ClientEncoding e = ClientEncoding.forName("SQL_ASCII");
        assertEquals("SQL_ASCII", e.name());
        assertArrayEquals("é".getBytes(StandardCharsets.UTF_8), e.encode("é"));
    }

    @Test
    void latin1ConvertsBothWays() {
        ClientEncoding e = ClientEncoding.forName("latin1");
        assertEquals("LATIN1", e.name());
        assertArrayEquals(new byte[] {(byte) 0xe9}, e.encode("é"));
        assertEquals("é", e.decode(new byte[] {(byte) 0xe9}, 0, 1));
        PgException x = assertThrows(PgException.class, () -> e.encode("a€"));
        assertEquals("22P05", x.sqlState().code());
        assertEquals("character with byte sequence 0xe2 0x82 0xac in encoding \"UTF8\" has no equivalent in "
                + "encoding \"LATIN1\"", x.getMessage());
    }

    @Test
    void unknownEncodingIsNotSupported() {
        assertEquals("0A000", assertThrows(PgException.class, () -> ClientEncoding.forName("MULE_INTERNAL"))
                .sqlState().code());
    }
}
