package io.github.localllm.http;

import io.github.localllm.GenerationException;
import io.github.localllm.LocalLlmException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Splits a byte stream into lines without copying them: after {@link #next()} the line is
 * {@code buffer()[start(), start() + length())}, valid until the next call. The streaming readers
 * decode from that slice directly, so a line costs no allocation here.
 */
final class LineScanner {
    /**
     * A streamed token's line is 100 to 300 bytes: 2 KiB holds several, and a longer line grows the
     * buffer. Every answer has its own scanner, so 8 KiB cost 8 bytes a token on a 1000-token answer.
     */
    private static final int INITIAL_BUFFER = 2048;
    /** Eight bytes at a time, for finding a line end without a comparison per byte. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long LFS = ONES * '\n';
    private static final long CRS = ONES * '\r';

    private final InputStream in;
    private final boolean bareCarriageReturn;
    private final int maxLineBytes;
    private final String source;
    private byte[] buffer = new byte[INITIAL_BUFFER];
    private int position;
    private int limit;
    private int scanned;
    private boolean skipLineFeed;
    private boolean atStart = true;
    private boolean endOfInput;
    private long lineNumber;
    private int start;
    private int length;
    private boolean unterminated;

    /**
     * @param bareCarriageReturn whether a CR alone ends a line (server-sent events); otherwise only
     *     LF does, and a CR before it is dropped (NDJSON)
     * @param source what the stream is, for messages
     */
    LineScanner(InputStream in, boolean bareCarriageReturn, int maxLineBytes, String source) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive, got " + maxLineBytes);
        }
        this.in = in;
        this.bareCarriageReturn = bareCarriageReturn;
        this.maxLineBytes = maxLineBytes;
        this.source = source;
    }

    /**
     * Moves to the next line. At the end of the input, bytes after the last line end make one more,
     * {@link #unterminated()} line.
     *
     * @return false at the end of the input
     * @throws MalformedStreamException if a line is longer than the limit
     */
    boolean next() {
        if (atStart) {
            skipByteOrderMark();
        }
        while (true) {
            if (skipLineFeed) {
                if (position == limit && !fill()) {
                    return finish();
                }
                skipLineFeed = false;
                if (buffer[position] == '\n') {
                    position++;
                }
                scanned = position;
            }
            int i = lineEnd(buffer, scanned, limit, bareCarriageReturn);
            if (i >= 0) {
                byte b = buffer[i];
                int end = !bareCarriageReturn && i > position && buffer[i - 1] == '\r' ? i - 1 : i;
                return take(end, i + 1, b == '\r');
            }
            scanned = limit;
            if (limit - position > maxLineBytes + 1) {
                throw tooLong();
            }
            if (!fill()) {
                return finish();
            }
        }
    }

    /**
     * @return the index of the first LF (or CR too, with {@code carriageReturn}) in
     *     {@code bytes[from, to)}, or -1: eight bytes a step, as a line of a token is a few hundred
     */
    static int lineEnd(byte[] bytes, int from, int to, boolean carriageReturn) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long word = (long) LONGS.get(bytes, i);
            // A byte of x is zero where the word holds the byte sought; the lowest flag marks the first.
            long x = word ^ LFS;
            long found = (x - ONES) & ~x & HIGHS;
            if (carriageReturn) {
                long y = word ^ CRS;
                found |= (y - ONES) & ~y & HIGHS;
            }
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r' && carriageReturn) {
                return i;
            }
        }
        return -1;
    }

    private boolean take(int end, int next, boolean carriageReturn) {
        if (end - position > maxLineBytes) {
            throw tooLong();
        }
        lineNumber++;
        start = position;
        length = end - position;
        position = next;
        scanned = next;
        skipLineFeed = carriageReturn;
        unterminated = false;
        return true;
    }

    /** At the end of the input: the bytes left, if any, are a last line without its line end. */
    private boolean finish() {
        if (position == limit) {
            return false;
        }
        lineNumber++;
        start = position;
        length = limit - position;
        position = limit;
        scanned = limit;
        unterminated = true;
        return true;
    }

    private MalformedStreamException tooLong() {
        long line = lineNumber + 1;
        return new MalformedStreamException("line " + line + " of " + source + " is longer than " + maxLineBytes
                + " bytes (it begins: " + Text.excerpt(buffer, position, Math.min(limit - position, 400))
                + "); the server sent something that is not this protocol, or an answer too large to stream",
                line, null);
    }

    /** A UTF-8 byte order mark may open the stream; it is not part of the first line. */
    private void skipByteOrderMark() {
        atStart = false;
        while (limit - position < 3 && fill()) {
            // A stream read one byte at a time needs three reads to show the mark.
        }
        if (limit - position >= 3 && buffer[position] == (byte) 0xEF && buffer[position + 1] == (byte) 0xBB
                && buffer[position + 2] == (byte) 0xBF) {
            position += 3;
            scanned = position;
        }
    }

    /** Reads more input behind what is buffered; @return false at the end of the input */
    private boolean fill() {
        if (endOfInput) {
            return false;
        }
        if (position == limit) {
            position = 0;
            limit = 0;
            scanned = 0;
        } else if (limit == buffer.length) {
            if (position > 0) {
                System.arraycopy(buffer, position, buffer, 0, limit - position);
                limit -= position;
                scanned -= position;
                position = 0;
            } else {
                // Room for the longest line and its CR LF, then the limit check fails the stream.
                int grown = (int) Math.min((long) buffer.length * 2, (long) maxLineBytes + 3);
                if (grown <= buffer.length) {
                    throw tooLong();
                }
                byte[] bigger = new byte[grown];
                System.arraycopy(buffer, 0, bigger, 0, limit);
                buffer = bigger;
            }
        }
        try {
            int n;
            do {
                n = in.read(buffer, limit, buffer.length - limit);
            } while (n == 0);
            if (n < 0) {
                endOfInput = true;
                return false;
            }
            limit += n;
            return true;
        } catch (IOException e) {
            endOfInput = true;
            throw new GenerationException("reading " + source + " failed after line " + lineNumber + " ("
                    + Text.describe(e) + "); the answer is incomplete: check the connection to the server and retry", e);
        } catch (LocalLlmException e) {
            endOfInput = true;
            throw e;
        }
    }

    byte[] buffer() {
        return buffer;
    }

    int start() {
        return start;
    }

    int length() {
        return length;
    }

    /** @return whether the current line ended with the input rather than a line end */
    boolean unterminated() {
        return unterminated;
    }

    /** @return the 1-based number of the current line, 0 before the first */
    long lineNumber() {
        return lineNumber;
    }

    /**
     * Tells a body from {@link HttpTransport} that the reader has read the answer's final value, so
     * that closing it reads the few bytes left instead of giving up the connection (see
     * {@link StreamingBody}). Any other input needs no word.
     */
    void answerComplete() {
        if (in instanceof StreamingBody body) {
            body.answerComplete();
        }
    }

    void close() throws IOException {
        endOfInput = true;
        in.close();
    }
}
