package io.runagents.ingress.core.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The socket transport, in order of preference: io_uring, native epoll, NIO. Every channel of the
 * process (listeners and upstream connections) uses the same one, so an upstream channel can be
 * registered on the event loop of the client channel that asked for it.
 */
public enum Transports {
    IO_URING, EPOLL, NIO;

    /**
     * The write-buffer marks of every proxied connection, client side and upstream side alike: the relay stops
     * reading one side when the other holds 64 KiB unsent.
     */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    /**
     * The first available transport: io_uring (fewer system calls per request: about 20% less CPU per
     * proxied request than epoll in {@code benchmarks/load/compare.sh}), then native epoll, then NIO.
     * {@code -Drunagents.transport=io_uring|epoll|nio} picks one; an unavailable choice falls back to the
     * first available. io_uring is often turned off (container seccomp profiles,
     * {@code kernel.io_uring_disabled}), which {@link IoUring#isAvailable()} detects.
     */
    public static Transports best() {
        String forced = System.getProperty("runagents.transport", "").trim();
        for (Transports transport : values()) {
            if (transport.name().equalsIgnoreCase(forced) && transport.isAvailable()) {
                return transport;
            }
        }
        for (Transports transport : values()) {
            if (transport.isAvailable()) {
                return transport;
            }
        }
        throw new AssertionError("NIO is always available");
    }

    /** Whether this transport works in this process (native library loaded, kernel support, not blocked). */
    public boolean isAvailable() {
        return switch (this) {
            case IO_URING -> IoUringProbe.works();
            case EPOLL -> Epoll.isAvailable();
            case NIO -> true;
        };
    }

    /** A new event loop group of this transport; {@code threads} 0 means Netty's default (2 x cores). */
    public EventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory factory = switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory(IoUringProbe.config());
            case NIO -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
    }

    /** The listening socket class. */
    public Class<? extends ServerChannel> serverChannel() {
        return switch (this) {
            case EPOLL -> EpollServerSocketChannel.class;
            case IO_URING -> IoUringServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    /** The connecting socket class, for upstream connections. */
    public Class<? extends SocketChannel> socketChannel() {
        return switch (this) {
            case EPOLL -> EpollSocketChannel.class;
            case IO_URING -> IoUringSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    /** The transport for UDP sockets: this one, except io_uring, whose datagram channel leaks a read buffer on close. */
    public Transports forDatagrams() {
        return this != IO_URING ? this : EPOLL.isAvailable() ? EPOLL : NIO;
    }

    /** The datagram socket class, for the non-blocking DNS resolver. */
    public Class<? extends DatagramChannel> datagramChannel() {
        return switch (this) {
            case EPOLL -> EpollDatagramChannel.class;
            case IO_URING -> IoUringDatagramChannel.class;
            case NIO -> NioDatagramChannel.class;
        };
    }

    /**
     * Whether an io_uring ring of the size this proxy asks for can really be set up: {@link IoUring#isAvailable()}
     * probes a small default ring, and a larger one can still be refused (locked-memory limits on kernels
     * before 5.12). Probed once, on first use, by starting one event loop and running a task on it (not in a
     * static initialiser: the task's thread would wait for this class's initialisation, which waits for it).
     */
    private static final class IoUringProbe {
        private static Boolean works;

        static synchronized boolean works() {
            if (works == null) {
                works = probe();
            }
            return works;
        }

        static IoUringIoHandlerConfig config() {
            // A completion queue twice the submission ring, so a burst of completions (a client pool closing
            // thousands of connections, each completing a read and a close) rarely overflows it; an overflow
            // only costs Netty a warning and a second pass, the kernel keeps the entries. Not larger: on
            // kernels with mixed-size completions (6.18+) Netty keeps one ByteBuffer object per entry for the
            // life of the loop, 68 bytes each, which every young GC copies until they are tenured.
            return new IoUringIoHandlerConfig().setRingSize(4096).setCqSize(8192);
        }

        private static boolean probe() {
            if (!IoUring.isAvailable()) {
                return false;
            }
            EventLoopGroup group = null;
            try {
                group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("runagents-uring-probe", true),
                        IoUringIoHandler.newFactory(config()));
                group.submit(() -> { }).get(10, TimeUnit.SECONDS);
                return true;
            } catch (Exception | LinkageError e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LoggerFactory.getLogger(Transports.class).info("io_uring unusable here, using epoll: {}", e.toString());
                return false;
            } finally {
                if (group != null) {
                    group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                }
            }
        }
    }
}
