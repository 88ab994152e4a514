package io.runagents.ingress.core.cli;

/** Placeholder. */
public final class Main {
    public static void main(String[] args) { }
}
