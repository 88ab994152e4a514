package io.runagents.ingress.core.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.runtime.RuntimeConfig;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.core.transport.ConnectionTracker;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sequencer's end of an exchange while the proxy drains. */
class RequestSequencerTest {

    @Test
    void aKeepAliveAnswerFinishedWhileDrainingIsWrittenBeforeTheConnectionCloses() {
        ConnectionTracker tracker = new ConnectionTracker();
        RuntimeConfig config = TestConfigs.runtime(TestConfigs.snapshot(List.of()));
        EmbeddedChannel channel = new EmbeddedChannel(new RequestSequencer(ListenerProfile.INGRESS, () -> config,
                tracker), new ExchangeStages(new ExchangeLog(new ProxyMetrics(), null, ListenerProfile.INGRESS,
                Clock.systemUTC()), List.of(RequestGuard.INSTANCE)));
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        request.headers().set("Host", "a.example");
        channel.writeInbound(request);
        Exchange exchange = channel.readInbound();
        assertThat(exchange.closesConnection()).as("a keep-alive request").isFalse();
        ReferenceCountUtil.release(exchange.head());

        // The answer's head was prepared (keep-alive) before shutdown began; its end goes out after.
        tracker.startDraining();
        channel.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        channel.runPendingTasks();

        FullHttpResponse written = channel.readOutbound();
        assertThat(written).as("the answer, not dropped by the close").isNotNull();
        written.release();
        assertThat(channel.isOpen()).as("a draining connection closes after its exchange").isFalse();
        assertThat(tracker.inFlight()).isZero();
        channel.finishAndReleaseAll();
    }
}
