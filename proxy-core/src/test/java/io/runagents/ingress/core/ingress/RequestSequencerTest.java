package io.runagents.ingress.core.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.runagents.ingress.core.server.ConnectionTracker;
import org.junit.jupiter.api.Test;

/** The sequencer's end of an exchange while the proxy drains. */
class RequestSequencerTest {

    @Test
    void aKeepAliveAnswerFinishedWhileDrainingIsWrittenBeforeTheConnectionCloses() {
        ConnectionTracker tracker = new ConnectionTracker();
        EmbeddedChannel channel = new EmbeddedChannel(new RequestSequencer(tracker));
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        ReferenceCountUtil.release(channel.readInbound());

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
