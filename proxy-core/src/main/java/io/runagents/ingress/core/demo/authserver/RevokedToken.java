package io.runagents.ingress.core.demo.authserver;

/**
 * What a revocation request revoked.
 *
 * @param kind    which kind of token it was; {@link Kind#UNKNOWN} when it was none this server issued (still
 *                answered 200, RFC 7009 section 2.2)
 * @param account whose it was; null for an unknown token
 */
public record RevokedToken(Kind kind, String account) {
    /** The kinds of token a revocation can name. */
    public enum Kind { ACCESS_TOKEN, REFRESH_TOKEN, UNKNOWN }
}
