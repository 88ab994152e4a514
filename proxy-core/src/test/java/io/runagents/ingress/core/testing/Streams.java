package io.runagents.ingress.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/** Large bodies for streaming tests, moved in 64 KiB pieces and counted as they go. */
public final class Streams {
    private Streams() { }

    private static final int PIECE = 64 * 1024;

    /** Writes {@code head} then {@code total} zero bytes, adding each piece to {@code sent} once written. */
    public static void upload(OutputStream out, String head, long total, AtomicLong sent) {
        try {
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[PIECE];
            for (long left = total; left > 0; ) {
                int n = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, n);
                left -= n;
                sent.addAndGet(n);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads up to {@code total} bytes and returns how many came before the stream ended. */
    public static long drain(InputStream in, long total) throws IOException {
        byte[] buffer = new byte[PIECE];
        long read = 0;
        while (read < total) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, total - read));
            if (n < 0) {
                break;
            }
            read += n;
        }
        return read;
    }
}
