package io.runagents.ingress.core.http;

import io.netty.buffer.ByteBuf;

/**
 * Finds the end of a block of CRLF-ended lines closed by an empty line (a request head, a chunked body's trailer
 * section) while its bytes arrive, searching each byte once however the block is split into reads. Only the line
 * ends are looked at here; what the lines say is the parser's business.
 */
final class LineBlock {
    /** The block has not ended in the bytes so far. */
    static final int INCOMPLETE = -1;
    /**
     * A line ended with LF alone (RFC 9112 section 2.2 lets a server refuse it, and this one does), or one begins
     * with a CR that does not end it (no field line can: it would read as the empty line).
     */
    static final int MALFORMED = -2;

    private int scanned;
    private int lineStart;
    private int firstLineEnd;

    /**
     * Searches the readable bytes of {@code in}, from where the last call stopped, for the empty line.
     *
     * @return the block's length up to and including the empty line's CRLF, {@link #INCOMPLETE} or {@link #MALFORMED}
     */
    int scan(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int from = start + scanned;
        while (true) {
            int lf = in.indexOf(from, end, (byte) '\n');
            if (lf < 0) {
                scanned = end - start;
                return INCOMPLETE;
            }
            int line = start + lineStart;
            if (lf == start || in.getByte(lf - 1) != '\r' || in.getByte(line) == '\r' && lf - 1 != line) {
                return MALFORMED;
            }
            lineStart = lf + 1 - start;
            from = lf + 1;
            if (lf - 1 == line) {
                return lineStart; // the caller resets before the next block
            }
            if (firstLineEnd == 0) {
                firstLineEnd = lineStart;
            }
        }
    }

    /** Bytes received of the block so far (0 between blocks). */
    int received() {
        return scanned;
    }

    /** Where the block's first line ends, after its CRLF; 0 while it has not. */
    int firstLineEnd() {
        return firstLineEnd;
    }

    void reset() {
        scanned = 0;
        lineStart = 0;
        firstLineEnd = 0;
    }
}
