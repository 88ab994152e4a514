package io.runagents.ingress.core.exchange;

/**
 * One step a request head goes through before it is relayed: routing, identity, policies, the tool's
 * credentials. A stage reads and records on the {@link Exchange} and says what happens next; it holds no
 * per-request state, so one instance serves every connection of a listener. {@link ExchangeStages} runs a
 * listener's stages in order on the channel's event loop.
 */
@FunctionalInterface
public interface Stage {
    /** Decides on {@code exchange}: {@link Verdict#NEXT}, a {@link Verdict.Refusal}, or a {@link Verdict.Later}. */
    Verdict apply(Exchange exchange);
}
