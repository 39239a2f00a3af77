package io.github.localllm.hardware;

/** Turns raw numbers from tools into readings, refusing the impossible ones instead of passing them on. */
final class Readings {
    private static final long MIB = 1024L * 1024L;

    private Readings() {
    }

    /**
     * @param bytes a size a source reported
     * @param source the source
     * @param what what the size is, for the reason
     * @return the size, or unknown when it is zero or negative
     */
    static Reading<Long> positiveBytes(long bytes, String source, String what) {
        if (bytes <= 0) {
            return Reading.unknown(source + " reported " + bytes + " bytes of " + what + ", which is impossible");
        }
        return Reading.of(bytes, source);
    }

    /**
     * @param free free bytes a source reported
     * @param total the total it belongs to
     * @param source the source
     * @param what what memory it is, for the reason
     * @return the free size, or unknown when negative or above a known total
     */
    static Reading<Long> freeBytes(long free, Reading<Long> total, String source, String what) {
        if (free < 0) {
            return Reading.unknown(source + " reported " + free + " bytes of free " + what + ", which is impossible");
        }
        if (total.isKnown() && free > total.value()) {
            return Reading.unknown(source + " reported " + free + " bytes of free " + what + ", more than the total "
                    + total.value());
        }
        return Reading.of(free, source);
    }

    /**
     * @param text a number of MiB as a tool prints it
     * @return bytes, or {@code null} when the text is no whole number (e.g. {@code [N/A]})
     */
    static Long mibToBytes(String text) {
        Long mib = parseLong(text);
        if (mib == null || Math.abs(mib) > Long.MAX_VALUE / MIB) {
            return null;
        }
        return mib * MIB;
    }

    /**
     * @param text a decimal integer, possibly surrounded by blanks
     * @return its value, or {@code null} if it is not one
     */
    static Long parseLong(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * @param text text for a message, possibly long or multi-line
     * @return the text on one line, at most 80 characters
     */
    static String quote(String text) {
        String flat = text.strip().replaceAll("\\s+", " ");
        return "'" + (flat.length() > 80 ? flat.substring(0, 77) + "..." : flat) + "'";
    }
}
