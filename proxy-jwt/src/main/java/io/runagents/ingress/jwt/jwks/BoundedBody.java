package io.runagents.ingress.jwt.jwks;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * Collects an HTTP answer's body up to {@code cap} bytes as it arrives, failing (and cancelling the stream) as soon
 * as it passes the cap, whether or not the server declared a length; nothing blocks while it waits. Used for JWKS
 * documents and, in the proxy, for the answers of a tool's token endpoint.
 */
public final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final int cap;
    private final long declaredLength;
    private final Supplier<? extends Throwable> tooLarge;
    private byte[] buffer = new byte[1024];
    private int size;
    private Flow.Subscription subscription;

    /** @param tooLarge the failure of a body over {@code cap} (it should say no more than that) */
    public BoundedBody(int cap, HttpResponse.ResponseInfo info, Supplier<? extends Throwable> tooLarge) {
        this.cap = cap;
        this.declaredLength = info.headers().firstValueAsLong("content-length").orElse(-1);
        this.tooLarge = tooLarge;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (declaredLength > cap) {
            s.cancel();
            result.completeExceptionally(tooLarge.get());
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            int n = b.remaining();
            if ((long) size + n > cap) {
                subscription.cancel();
                result.completeExceptionally(tooLarge.get());
                buffer = null;
                return;
            }
            if (size + n > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(cap, Math.max(buffer.length * 2, size + n)));
            }
            b.get(buffer, size, n);
            size += n;
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        if (!result.isDone()) {
            result.complete(Arrays.copyOf(buffer, size));
        }
    }
}
