package io.runagents.ingress.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The idle event on the channel's own (frozen, advanced by hand) clock. */
class IdleConnectionHandlerTest {
    private final List<Object> events = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeEach
    void open() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new IdleConnectionHandler(8, TimeUnit.SECONDS), new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                // consumed
            }
        });
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void advanceSeconds(int seconds) {
        for (int i = 0; i < seconds; i++) {
            channel.advanceTimeBy(1, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
        }
    }

    @Test
    void aQuietConnectionIsIdleAfterTheTimeoutAndBeforeATimeoutAndAQuarter() {
        advanceSeconds(8);
        assertThat(events).isEmpty(); // opening counts as activity
        advanceSeconds(2);
        assertThat(events).containsExactly(IdleStateEvent.ALL_IDLE_STATE_EVENT);
    }

    @Test
    void readsAndWritesKeepItBusy() {
        for (int i = 0; i < 10; i++) {
            advanceSeconds(5);
            if (i % 2 == 0) {
                channel.writeInbound("request");
            } else {
                channel.writeOutbound("response");
                channel.releaseOutbound();
            }
        }
        assertThat(events).isEmpty();
        advanceSeconds(10);
        assertThat(events).containsExactly(IdleStateEvent.ALL_IDLE_STATE_EVENT);
    }

    @Test
    void nothingFiresOnceTheChannelIsClosed() {
        channel.close();
        advanceSeconds(30);
        assertThat(events).isEmpty();
    }
}
