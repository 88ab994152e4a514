package io.runagents.ingress.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.InvalidChunkExtensionException;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * The lines of a chunked request body that are not data: each chunk's size line ({@code 1*HEXDIG [ ";" ext ]
 * CRLF}) and the trailer section after the last chunk. Trailers are kept (checked as header lines are) except
 * those that would frame or route the message, as Netty's decoder does.
 */
final class ChunkLines {
    /** {@link #size} found no whole line yet. */
    static final long INCOMPLETE = -2;
    private static final long FAULT = -1;
    /** More hex digits than this would not fit a {@code long}. */
    private static final long MAX_BEFORE_SHIFT = Long.MAX_VALUE >> 4;

    private final int maxTrailerBytes;
    private final RequestHeadParser parser;
    private final LineBlock trailerLines = new LineBlock();
    private Exception fault;

    ChunkLines(int maxTrailerBytes, RequestHeadParser parser) {
        this.maxTrailerBytes = maxTrailerBytes;
        this.parser = parser;
    }

    /** The next chunk's size, read past its line; {@link #INCOMPLETE}, or a negative fault ({@link #fault()}). */
    long size(ByteBuf in) {
        int start = in.readerIndex();
        int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            return in.readableBytes() > ServerCodecs.MAX_REQUEST_LINE
                    ? fault(new TooLongFrameException("a chunk size line is longer than "
                            + ServerCodecs.MAX_REQUEST_LINE + " bytes")) : INCOMPLETE;
        }
        if (lf == start || in.getByte(lf - 1) != '\r') {
            return fault(new InvalidChunkExtensionException("a chunk size line must end with CRLF"));
        }
        int end = lf - 1;
        long size = 0;
        int i = start;
        for (; i < end; i++) {
            int digit = hexDigit(in.getByte(i));
            if (digit < 0) {
                break;
            }
            if (size > MAX_BEFORE_SHIFT) {
                return fault(new NumberFormatException("chunk size too large"));
            }
            size = size << 4 | digit;
        }
        if (i == start) {
            return fault(new NumberFormatException("invalid character in a chunk size"));
        }
        if (!extensions(in, i, end)) {
            return fault(new InvalidChunkExtensionException("invalid chunk extension"));
        }
        in.readerIndex(lf + 1);
        return size;
    }

    /**
     * Whether {@code [from, end)} is a valid list of chunk extensions (RFC 9112 section 7.1.1): each
     * {@code ";" name [ "=" ( token / quoted-string ) ]}, without the optional whitespace, which no client needs.
     */
    private static boolean extensions(ByteBuf in, int from, int end) {
        int i = from;
        while (i < end) {
            if (in.getByte(i++) != ';') {
                return false;
            }
            int name = i;
            while (i < end && RequestHeadParser.isTokenByte(in.getByte(i))) {
                i++;
            }
            if (i == name) {
                return false;
            }
            if (i < end && in.getByte(i) == '=') {
                i = i + 1 < end && in.getByte(i + 1) == '"' ? quotedStringEnd(in, i + 2, end) : tokenEnd(in, i + 1, end);
                if (i < 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static int tokenEnd(ByteBuf in, int from, int end) {
        int i = from;
        while (i < end && RequestHeadParser.isTokenByte(in.getByte(i))) {
            i++;
        }
        return i == from ? -1 : i;
    }

    /** After the closing quote of a quoted string whose content starts at {@code from}; -1 if it has none. */
    private static int quotedStringEnd(ByteBuf in, int from, int end) {
        for (int i = from; i < end; i++) {
            byte b = in.getByte(i);
            if (b == '"') {
                return i + 1;
            }
            if (b == '\\') {
                i++; // a quoted pair: the next byte is taken as it is, if it may be in a field
                if (i == end || !RequestHeadParser.isFieldByte(in.getByte(i))) {
                    return -1;
                }
            } else if (!RequestHeadParser.isFieldByte(b)) {
                return -1;
            }
        }
        return -1;
    }

    /** Why {@link #size} or {@link #trailers} refused the body. */
    Exception fault() {
        return fault;
    }

    /**
     * The body's last content with its trailers, read past the section's empty line; null while the section is
     * incomplete; a failed one when it is malformed or too large.
     */
    LastHttpContent trailers(ByteBuf in) {
        int length = trailerLines.scan(in);
        if (length == LineBlock.MALFORMED) {
            return failed(new InvalidChunkExtensionException("a trailer line must end with CRLF"));
        }
        int received = length == LineBlock.INCOMPLETE ? trailerLines.received() : length;
        if (received > maxTrailerBytes + 2) {
            return failed(new TooLongFrameException("the trailers are larger than " + maxTrailerBytes + " bytes"));
        }
        if (length == LineBlock.INCOMPLETE) {
            return null;
        }
        trailerLines.reset();
        if (length == 2) {
            in.skipBytes(2);
            return LastHttpContent.EMPTY_LAST_CONTENT;
        }
        byte[] section = new byte[length];
        in.readBytes(section);
        HeaderList lines = new HeaderList(4);
        String problem = parser.lines(section, 0, lines);
        if (problem != null) {
            return failed(new IllegalArgumentException(problem));
        }
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        Iterator<Map.Entry<CharSequence, CharSequence>> entries = lines.iteratorCharSequence();
        while (entries.hasNext()) {
            Map.Entry<CharSequence, CharSequence> entry = entries.next();
            if (isPermittedTrailer(entry.getKey())) {
                last.trailingHeaders().add(entry.getKey(), entry.getValue());
            }
        }
        return last;
    }

    private static boolean isPermittedTrailer(CharSequence name) {
        return !AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONTENT_LENGTH)
                && !AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRANSFER_ENCODING)
                && !AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRAILER);
    }

    private long fault(Exception cause) {
        fault = cause;
        return FAULT;
    }

    private LastHttpContent failed(Exception cause) {
        trailerLines.reset();
        return invalid(cause);
    }

    /** The end of a body that could not be read, failed with {@code cause}, as Netty's decoder hands it on. */
    static LastHttpContent invalid(Exception cause) {
        LastHttpContent invalid = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        invalid.setDecoderResult(DecoderResult.failure(cause));
        return invalid;
    }

    private static int hexDigit(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int lower = b | 0x20;
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }
}
