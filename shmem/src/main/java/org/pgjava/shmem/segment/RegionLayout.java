package org.pgjava.shmem.segment;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixed plan of a shared segment: its named regions, each with an offset and a size, decided once
 * before the segment is created and never changed while it exists (nothing is allocated later). Entry
 * points: {@link #builder(int)} → {@link Builder#add} … → {@link Builder#build()}; then
 * {@link #region(String)}, {@link #totalSize()}, {@link #regions()}.
 *
 * <p>The postmaster and every child build the layout the same way (from the same settings) and
 * {@link SharedSegment#attach} checks that the attaching process's layout matches the table of contents
 * the creator wrote into the header, region by region. The {@code layoutVersion} is a number the code
 * bumps whenever the byte layout of any region's contents changes, so processes running different code
 * refuse each other's segment.
 *
 * <p>Placement: the header ({@link SharedSegment#HEADER_FIXED_SIZE} bytes plus one
 * {@link SharedSegment#TOC_ENTRY_SIZE}-byte entry per region) comes first; regions follow in the order
 * added, each at the next multiple of its alignment (at least 64 bytes, a cache line; regions that hold
 * 8 KiB page frames should ask for 4096). The total size is rounded up to 4096 (a page).
 *
 * <p>Immutable and thread-safe.
 */
public final class RegionLayout {
    /** Smallest and default region alignment: one cache line. */
    public static final int CACHE_LINE = 64;
    /** Page size the total is rounded to, and the alignment to ask for page frames. */
    public static final int PAGE = 4096;
    /** Longest region name in UTF-8 bytes (the table-of-contents entry keeps one NUL after it). */
    public static final int MAX_NAME_BYTES = 47;

    /** One region: a name, its offset from the start of the segment, its size in bytes. */
    public record Region(String name, long offset, long size) {
    }

    private final int layoutVersion;
    private final List<Region> regions;
    private final Map<String, Region> byName;
    private final long headerSize;
    private final long totalSize;

    private RegionLayout(int layoutVersion, List<Region> regions, long headerSize, long totalSize) {
        this.layoutVersion = layoutVersion;
        this.regions = Collections.unmodifiableList(regions);
        Map<String, Region> map = new LinkedHashMap<>();
        for (Region r : regions) {
            map.put(r.name(), r);
        }
        this.byName = Collections.unmodifiableMap(map);
        this.headerSize = headerSize;
        this.totalSize = totalSize;
    }

    /**
     * Starts a layout.
     *
     * @param layoutVersion the version of the contents' byte layouts (stored in the header; attach refuses
     *                      a segment with another version)
     */
    public static Builder builder(int layoutVersion) {
        return new Builder(layoutVersion);
    }

    /** The version of the contents' byte layouts. */
    public int layoutVersion() {
        return layoutVersion;
    }

    /** The regions in offset order. */
    public List<Region> regions() {
        return regions;
    }

    /**
     * The region called {@code name}.
     *
     * @throws IllegalArgumentException if the layout has no such region
     */
    public Region region(String name) {
        Region r = byName.get(name);
        if (r == null) {
            throw new IllegalArgumentException("shared memory region \"" + name + "\" does not exist");
        }
        return r;
    }

    /** Bytes taken by the header and its table of contents, rounded up to a cache line. */
    public long headerSize() {
        return headerSize;
    }

    /** The segment's size in bytes: header plus all regions, rounded up to a page. */
    public long totalSize() {
        return totalSize;
    }

    @Override
    public String toString() {
        return "RegionLayout(v" + layoutVersion + ", " + regions.size() + " regions, " + totalSize + " bytes)";
    }

    /** Collects regions in order; {@link #build()} places them. Not thread-safe. */
    public static final class Builder {
        private final int layoutVersion;
        private final List<String> names = new ArrayList<>();
        private final List<Long> sizes = new ArrayList<>();
        private final List<Integer> alignments = new ArrayList<>();

        private Builder(int layoutVersion) {
            this.layoutVersion = layoutVersion;
        }

        /** Adds a cache-line aligned region; see {@link #add(String, long, int)}. */
        public Builder add(String name, long size) {
            return add(name, size, CACHE_LINE);
        }

        /**
         * Adds a region after the ones already added.
         *
         * @param name      unique, 1..{@value RegionLayout#MAX_NAME_BYTES} UTF-8 bytes, no NUL
         * @param size      bytes, at least 1
         * @param alignment a power of two, at least {@value RegionLayout#CACHE_LINE}
         * @throws IllegalArgumentException if a rule above is broken
         */
        public Builder add(String name, long size, int alignment) {
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            if (utf8.length == 0 || utf8.length > MAX_NAME_BYTES || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("shared memory region name \"" + name + "\" must have 1 to "
                        + MAX_NAME_BYTES + " UTF-8 bytes and no NUL");
            }
            if (names.contains(name)) {
                throw new IllegalArgumentException("shared memory region \"" + name + "\" added twice");
            }
            if (size < 1) {
                throw new IllegalArgumentException("shared memory region \"" + name + "\" has size " + size);
            }
            if (alignment < CACHE_LINE || Integer.bitCount(alignment) != 1) {
                throw new IllegalArgumentException("alignment " + alignment + " of region \"" + name
                        + "\" is not a power of two >= " + CACHE_LINE);
            }
            names.add(name);
            sizes.add(size);
            alignments.add(alignment);
            return this;
        }

        /**
         * Places the regions and returns the layout.
         *
         * @throws IllegalArgumentException if there are no regions
         */
        public RegionLayout build() {
            if (names.isEmpty()) {
                throw new IllegalArgumentException("a shared memory layout needs at least one region");
            }
            long header = align(SharedSegment.HEADER_FIXED_SIZE + (long) SharedSegment.TOC_ENTRY_SIZE * names.size(),
                    CACHE_LINE);
            long next = header;
            List<Region> placed = new ArrayList<>(names.size());
            for (int i = 0; i < names.size(); i++) {
                long offset = align(next, alignments.get(i));
                placed.add(new Region(names.get(i), offset, sizes.get(i)));
                next = Math.addExact(offset, sizes.get(i));
            }
            return new RegionLayout(layoutVersion, placed, header, align(next, PAGE));
        }

        private static long align(long value, long alignment) {
            return Math.addExact(value, alignment - 1) & -alignment;
        }
    }
}
