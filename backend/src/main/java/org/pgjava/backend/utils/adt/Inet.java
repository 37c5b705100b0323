package org.pgjava.backend.utils.adt;

import java.util.Arrays;

/**
 * An inet value (PostgreSQL's inet: an IPv4 or IPv6 address with a netmask length). Text output is
 * inet_out's: the address (IPv6 with the longest run of two or more zero groups written {@code ::}, an
 * IPv4-mapped address as {@code ::ffff:a.b.c.d}), then {@code /bits} unless bits is the full length.
 * Binary format (inet_send), byte by byte: family (2 = IPv4, 3 = IPv6), bits, is_cidr (0), address
 * length (4 or 16), then the address bytes. Ordered like network_cmp for host values: family, then the
 * address bytes unsigned, then bits. Text input is not built (0A000).
 *
 * @param address 4 or 16 bytes
 * @param bits    netmask length, 0..32 or 0..128
 */
public record Inet(byte[] address, int bits) implements Comparable<Inet> {
    /** Validates the address length and bits. */
    public Inet {
        if ((address.length != 4 && address.length != 16) || bits < 0 || bits > address.length * 8) {
            throw new IllegalArgumentException("bad inet");
        }
        address = address.clone();
    }

    /** A host address (full netmask) from a java.net.InetAddress. */
    public static Inet of(java.net.InetAddress a) {
        byte[] b = a.getAddress();
        return new Inet(b, b.length * 8);
    }

    /** inet_out text. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (address.length == 4) {
            ipv4(sb, 0);
        } else {
            ipv6(sb);
        }
        if (bits != address.length * 8) {
            sb.append('/').append(bits);
        }
        return sb.toString();
    }

    private void ipv4(StringBuilder sb, int from) {
        for (int i = from; i < from + 4; i++) {
            if (i > from) {
                sb.append('.');
            }
            sb.append(address[i] & 0xFF);
        }
    }

    private void ipv6(StringBuilder sb) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((address[2 * i] & 0xFF) << 8) | (address[2 * i + 1] & 0xFF);
        }
        int bestBase = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestBase = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        for (int i = 0; i < 8; i++) {
            if (bestBase != -1 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0) {
                sb.append(':');
            }
            // IPv4-compatible (::a.b.c.d) or mapped (::ffff:a.b.c.d)
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && g[5] == 0xffff))) {
                ipv4(sb, 12);
                break;
            }
            sb.append(Integer.toHexString(g[i]));
        }
        if (bestBase != -1 && bestBase + bestLen == 8) {
            sb.append(':');
        }
    }

    /** inet_send bytes. */
    public byte[] send() {
        byte[] out = new byte[4 + address.length];
        out[0] = (byte) (address.length == 4 ? 2 : 3);
        out[1] = (byte) bits;
        out[2] = 0;
        out[3] = (byte) address.length;
        System.arraycopy(address, 0, out, 4, address.length);
        return out;
    }

    @Override
    public int compareTo(Inet o) {
        if (address.length != o.address.length) {
            return address.length < o.address.length ? -1 : 1;
        }
        int c = Arrays.compareUnsigned(address, o.address);
        return c != 0 ? c : Integer.compare(bits, o.bits);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Inet i && bits == i.bits && Arrays.equals(address, i.address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + bits;
    }
}
