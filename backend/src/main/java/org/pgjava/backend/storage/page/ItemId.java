package org.pgjava.backend.storage.page;

/**
 * Line pointers (PostgreSQL's ItemIdData) packed in a 32-bit int exactly as they sit on the page: lp_off in
 * bits 0-14 (byte offset of the item from the page start), lp_flags in bits 15-16 ({@link Page#LP_UNUSED},
 * {@link Page#LP_NORMAL}, {@link Page#LP_REDIRECT}, {@link Page#LP_DEAD}), lp_len in bits 17-31 (item length
 * in bytes). A redirect keeps the target offset number in lp_off and length 0.
 *
 * <p>Entry points: {@link #make}, {@link #offset}, {@link #flags}, {@link #length}, and the predicates.
 */
public final class ItemId {
    private ItemId() {
    }

    /** The word for (lp_off, lp_flags, lp_len). */
    public static int make(int off, int flags, int len) {
        return (off & 0x7FFF) | ((flags & 0x3) << 15) | ((len & 0x7FFF) << 17);
    }

    /** lp_off. */
    public static int offset(int itemId) {
        return itemId & 0x7FFF;
    }

    /** lp_flags. */
    public static int flags(int itemId) {
        return (itemId >>> 15) & 0x3;
    }

    /** lp_len. */
    public static int length(int itemId) {
        return (itemId >>> 17) & 0x7FFF;
    }

    /** ItemIdIsUsed: not LP_UNUSED. */
    public static boolean isUsed(int itemId) {
        return flags(itemId) != Page.LP_UNUSED;
    }

    /** ItemIdIsNormal. */
    public static boolean isNormal(int itemId) {
        return flags(itemId) == Page.LP_NORMAL;
    }

    /** ItemIdIsRedirected. */
    public static boolean isRedirected(int itemId) {
        return flags(itemId) == Page.LP_REDIRECT;
    }

    /** ItemIdIsDead. */
    public static boolean isDead(int itemId) {
        return flags(itemId) == Page.LP_DEAD;
    }

    /** ItemIdHasStorage: lp_len != 0. */
    public static boolean hasStorage(int itemId) {
        return length(itemId) != 0;
    }

    /** The redirect target offset (ItemIdGetRedirect). */
    public static int redirect(int itemId) {
        return offset(itemId);
    }
}
