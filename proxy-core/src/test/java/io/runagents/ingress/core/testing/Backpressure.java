package io.runagents.ingress.core.testing;

import static io.runagents.ingress.core.testing.MemoryProbe.awaitStalled;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The streaming checks the ingress and the egress share: while one end reads nothing the other end is
 * held back instead of the proxy buffering the difference, and the proxy's pooled buffers stay far below
 * the payload.
 */
public final class Backpressure {
    private Backpressure() { }

    /**
     * How big the payload is, how much the writer may get rid of while the reader reads nothing (socket
     * buffers and the proxy's watermarks), and how much the proxy's pooled buffers may grow.
     */
    public record StreamingLimits(long total, long maxSentWhileStalled, long maxBuffered) { }

    /**
     * Uploads {@code limits.total()} bytes (after {@code head}) through the proxy at {@code proxy} to
     * {@code receiver}, which reads nothing until the sender has stalled; then the upload must finish within
     * {@code finishWithin} and be answered 200 with every byte counted.
     */
    public static void upload(InetSocketAddress proxy, String head, StubAgent receiver, StreamingLimits limits,
                              Duration finishWithin) throws Exception {
        receiver.pauseReading(true);
        AtomicLong sent = new AtomicLong();
        try (RawHttp sender = new RawHttp(proxy); MemoryProbe probe = MemoryProbe.start()) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(
                    () -> Streams.upload(sender.output(), head, limits.total(), sent));

            awaitStalled(sent::get);
            assertThat(sent.get()).as("bytes the sender got rid of while the receiver read nothing")
                    .isLessThan(limits.maxSentWhileStalled());

            receiver.pauseReading(false);
            writer.get(finishWithin.toMillis(), TimeUnit.MILLISECONDS);
            RawHttp.Response response = sender.read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).contains("\"bodyBytes\":" + limits.total());
            assertThat(probe.peakGrowth()).as("growth of the proxy's pooled buffers").isLessThan(limits.maxBuffered());
        }
        assertThat(receiver.received()).singleElement().extracting(StubAgent.Received::bodyBytes)
                .isEqualTo(limits.total());
    }

    /**
     * Sends {@code request} on {@code reader}, whose answer is {@code limits.total()} bytes written by a
     * {@link Behaviors#download} counting into {@code written}; reads nothing until the writer has stalled,
     * then every byte. The connection stays open for the caller's next request.
     */
    public static void download(RawHttp reader, String request, AtomicLong written, StreamingLimits limits)
            throws Exception {
        try (MemoryProbe probe = MemoryProbe.start()) {
            reader.send(request);
            RawHttp.Response head = reader.readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo(Long.toString(limits.total()));

            awaitStalled(written::get);
            assertThat(written.get()).as("bytes the writer got rid of while the reader read nothing")
                    .isLessThan(limits.maxSentWhileStalled());

            assertThat(Streams.drain(reader.input(), limits.total())).isEqualTo(limits.total());
            assertThat(probe.peakGrowth()).as("growth of the proxy's pooled buffers").isLessThan(limits.maxBuffered());
        }
    }
}
