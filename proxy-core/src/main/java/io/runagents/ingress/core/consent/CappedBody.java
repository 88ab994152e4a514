package io.runagents.ingress.core.consent;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects an HTTP answer's body up to {@code max} bytes as it arrives; one byte more cancels the exchange and fails
 * with {@link Oversized}, whether or not the server declared a length. Nothing blocks while it waits.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    /** The body went over the cap. Carries no content. */
    static final class Oversized extends RuntimeException {
        Oversized() {
            super("the answer is over the size cap", null, false, false);
        }
    }

    private final int max;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    CappedBody(int max) {
        this.max = max;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            if (out.size() + item.remaining() > max) {
                subscription.cancel();
                result.completeExceptionally(new Oversized());
                return;
            }
            byte[] bytes = new byte[item.remaining()];
            item.get(bytes);
            out.writeBytes(bytes);
        }
    }

    @Override
    public void onError(Throwable failure) {
        result.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        result.complete(out.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }
}
