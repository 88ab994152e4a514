package io.runagents.ingress.core.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A disk that fills up: the audit file's channels write to the real file until the space left is used, a
 * write that does not fit is cut short there (as the kernel does), and the next fails with the
 * operating system's {@code No space left on device}. {@link #free} gives space back.
 */
final class LimitedDisk {
    static final String ENOSPC = "No space left on device";

    private final AtomicLong spaceLeft = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong refusedWrites = new AtomicLong();

    /** Leaves {@code bytes} more to write before the disk is full. */
    LimitedDisk spaceLeft(long bytes) {
        spaceLeft.set(bytes);
        return this;
    }

    /** Room again, for good. */
    void free() {
        spaceLeft.set(Long.MAX_VALUE);
    }

    /** Writes that failed for want of space. */
    long refusedWrites() {
        return refusedWrites.get();
    }

    /** Opens the audit file's channels on this disk. */
    AuditFile.ChannelOpener opener() {
        return file -> new Channel(AuditFile.openForAppend(file));
    }

    /** Opens {@code file} on this disk, as the audit log does. */
    AuditFile open(Path file, java.time.Clock clock) throws IOException {
        return new AuditFile(file, AuditLog.DEFAULT_MAX_BYTES, clock, opener());
    }

    private int reserve(int wanted) throws IOException {
        while (true) {
            long left = spaceLeft.get();
            if (left == 0) {
                refusedWrites.incrementAndGet();
                throw new IOException(ENOSPC);
            }
            int granted = (int) Math.min(wanted, left);
            if (left == Long.MAX_VALUE || spaceLeft.compareAndSet(left, left - granted)) {
                return granted;
            }
        }
    }

    /** A file channel whose writes take space from the disk; everything else goes to the real channel. */
    private final class Channel extends FileChannel {
        private final FileChannel file;

        Channel(FileChannel file) {
            this.file = file;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int granted = reserve(src.remaining());
            ByteBuffer part = src.slice(src.position(), granted);
            int written = file.write(part);
            src.position(src.position() + written);
            return written;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += write(srcs[i]);
            }
            return total;
        }

        @Override
        public int write(ByteBuffer src, long position) {
            throw new UnsupportedOperationException("the audit file only appends");
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return file.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            file.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return file.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException("the audit file only appends");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return file.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return file.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }
}
