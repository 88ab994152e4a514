package io.runagents.ingress.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.InvalidLineSeparatorException;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;
import java.util.Queue;

/**
 * The listeners' HTTP/1.1 request decoder: turns the client's bytes into a request head whose headers are
 * views of those bytes ({@link HeaderList}), then its body as {@code HttpContent} slices, as Netty's
 * {@code HttpRequestDecoder} would hand them on (same message types, same failures for the guard to answer).
 *
 * <p>A head is read once it is whole: the decoder only looks for its line ends while it arrives (refusing a
 * bare LF, a request line over {@link ServerCodecs#MAX_REQUEST_LINE} and header lines over
 * {@code maxHeaderBytes} at once), then {@link RequestHeadParser} checks every byte of it in one pass. After
 * any failure the rest of the connection's bytes are discarded: the stream can no longer be framed.
 */
final class RequestDecoder extends ByteToMessageDecoder {
    /** As Netty's server codec: more requests than this read ahead of their answers close the connection. */
    static final int MAX_PIPELINE_DEPTH = 128;

    private enum State { HEAD, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, DISCARD }

    private final int maxHeaderBytes;
    private final Queue<HttpMethod> unanswered;
    private final RequestHeadParser parser = new RequestHeadParser();
    private final ChunkLines chunkLines;
    private State state = State.HEAD;
    private final LineBlock lines = new LineBlock();
    /** Body bytes still to come: of the fixed-length body, or of the current chunk. */
    private long remaining;

    /**
     * @param unanswered gets the method of each request head handed on, for the response encoder (the answer to
     *                   a HEAD has no body)
     */
    RequestDecoder(int maxHeaderBytes, Queue<HttpMethod> unanswered) {
        this.maxHeaderBytes = maxHeaderBytes;
        this.unanswered = unanswered;
        this.chunkLines = new ChunkLines(maxHeaderBytes, parser);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case HEAD -> head(in, out);
            case FIXED -> fixed(in, out);
            case CHUNK_SIZE -> chunkSize(in, out);
            case CHUNK_DATA -> chunkData(in, out);
            case CHUNK_END -> chunkEnd(in, out);
            case TRAILERS -> trailers(in, out);
            case DISCARD -> in.skipBytes(in.readableBytes());
        }
    }

    private void head(ByteBuf in, List<Object> out) {
        if (lines.received() == 0) {
            // RFC 9112 section 2.2: empty lines before a request line are ignored (a client's CRLF after a body).
            while (in.isReadable() && isLineEnd(in.getByte(in.readerIndex()))) {
                in.skipBytes(1);
            }
        }
        int length = lines.scan(in);
        if (length == LineBlock.MALFORMED) {
            fail(in, out, invalidHead(new InvalidLineSeparatorException()));
            return;
        }
        // Refused as soon as no ending could make it fit, not only once it ends.
        int lineEnd = lines.firstLineEnd();
        if (lineEnd == 0 ? lines.received() > ServerCodecs.MAX_REQUEST_LINE + 2
                : lineEnd - 2 > ServerCodecs.MAX_REQUEST_LINE) {
            fail(in, out, invalidHead(new TooLongHttpLineException(
                    "the request line is longer than " + ServerCodecs.MAX_REQUEST_LINE + " bytes")));
            return;
        }
        if (lineEnd > 0 && (length == LineBlock.INCOMPLETE ? lines.received() : length) - lineEnd > maxHeaderBytes + 2) {
            fail(in, out, invalidHead(new TooLongHttpHeaderException(
                    "the header lines are larger than " + maxHeaderBytes + " bytes")));
            return;
        }
        if (length == LineBlock.INCOMPLETE) {
            return;
        }
        lines.reset();
        byte[] head = new byte[length];
        in.readBytes(head);
        HttpRequest request = parser.parse(head);
        if (request.decoderResult().isFailure()) {
            fail(in, out, request);
            return;
        }
        if (unanswered.size() >= MAX_PIPELINE_DEPTH) {
            discard(in);
            throw new DecoderException("more than " + MAX_PIPELINE_DEPTH + " requests read ahead of their answers");
        }
        unanswered.add(request.method());
        out.add(request);
        if (parser.chunked) {
            state = State.CHUNK_SIZE;
        } else if (parser.contentLength > 0) {
            remaining = parser.contentLength;
            state = State.FIXED;
        } else {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    private void fixed(ByteBuf in, List<Object> out) {
        ByteBuf piece = piece(in);
        if (piece == null) {
            return;
        }
        if (remaining == 0) {
            state = State.HEAD;
            out.add(new DefaultLastHttpContent(piece));
        } else {
            out.add(new DefaultHttpContent(piece));
        }
    }

    /** The next piece of body, at most {@link ServerCodecs#MAX_CHUNK} bytes and never past {@code remaining}. */
    private ByteBuf piece(ByteBuf in) {
        int size = (int) Math.min(remaining, Math.min(in.readableBytes(), ServerCodecs.MAX_CHUNK));
        if (size == 0) {
            return null;
        }
        remaining -= size;
        return in.readRetainedSlice(size);
    }

    private void chunkSize(ByteBuf in, List<Object> out) {
        long size = chunkLines.size(in);
        if (size == ChunkLines.INCOMPLETE) {
            return;
        }
        if (size < 0) {
            failChunk(in, out, chunkLines.fault());
        } else if (size == 0) {
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
    }

    private void chunkData(ByteBuf in, List<Object> out) {
        ByteBuf piece = piece(in);
        if (piece != null) {
            out.add(new DefaultHttpContent(piece));
            if (remaining == 0) {
                state = State.CHUNK_END;
            }
        }
    }

    private void chunkEnd(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 2) {
            return;
        }
        if (in.getByte(in.readerIndex()) != '\r' || in.getByte(in.readerIndex() + 1) != '\n') {
            failChunk(in, out, new IllegalArgumentException("chunk data must end with CRLF"));
            return;
        }
        in.skipBytes(2);
        state = State.CHUNK_SIZE;
    }

    private void trailers(ByteBuf in, List<Object> out) {
        LastHttpContent last = chunkLines.trailers(in);
        if (last == null) {
            return;
        }
        if (last.decoderResult().isFailure()) {
            discard(in);
        } else {
            state = State.HEAD;
        }
        out.add(last);
    }

    private void fail(ByteBuf in, List<Object> out, HttpRequest invalid) {
        discard(in);
        unanswered.add(invalid.method());
        out.add(invalid);
    }

    private void failChunk(ByteBuf in, List<Object> out, Exception cause) {
        discard(in);
        out.add(ChunkLines.invalid(cause));
    }

    /** After a failure the stream cannot be framed again: its bytes, now and later, are dropped. */
    private void discard(ByteBuf in) {
        state = State.DISCARD;
        in.skipBytes(in.readableBytes());
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        // A head cut off after its request line is refused, as Netty's decoder refuses it; a cut body is not
        // answered (the relay sees the connection go), nor are bytes that never made a request line.
        if (state == State.HEAD && lines.firstLineEnd() > 0) {
            fail(in, out, invalidHead(new PrematureChannelClosureException("the connection closed inside a request head")));
        }
    }

    /** Netty's placeholder for a request whose request line could not be read, failed with {@code cause}. */
    static HttpRequest invalidHead(Exception cause) {
        HttpRequest invalid = new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request",
                Unpooled.buffer(0));
        invalid.setDecoderResult(DecoderResult.failure(cause));
        return invalid;
    }

    private static boolean isLineEnd(byte b) {
        return b == '\r' || b == '\n';
    }
}
