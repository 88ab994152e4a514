package io.runagents.ingress.jwt;

import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.jwt.AuthResult.Rejected;
import io.runagents.ingress.jwt.jwks.JwksException;
import io.runagents.ingress.jwt.jwks.JwksFetcher;
import io.runagents.ingress.jwt.jwks.JwksParser;
import io.runagents.ingress.jwt.jwks.JwksSnapshot;
import io.runagents.ingress.jwt.verify.ClaimsPolicy;
import io.runagents.ingress.jwt.verify.CompactToken;
import io.runagents.ingress.jwt.verify.JwsVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every check the ingress would run on a token, each reported on its own, for
 * {@code runagents token verify}. The ingress stops at the first failure; this goes on, so a person
 * sees at once everything that is wrong. It uses the same verifier and claim rules as the ingress.
 * Claims are still checked when the signature fails (they are then unverified, and say so).
 */
public final class TokenDiagnostics {
    private TokenDiagnostics() { }

    private static final List<String> SIGNATURE_STEPS = List.of("format", "algorithm", "signature");

    /** One check: its name as SPEC section 2 spells it, whether it passed, and why (or what was found). */
    public record Check(String name, boolean passed, String detail) { }

    /** The checks of {@code token} against {@code provider} with {@code keys}; the token is accepted when all pass. */
    public static List<Check> run(IdentityProvider provider, JwksSnapshot keys, String token, int maxTokenBytes,
                                  Clock clock) {
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("size", token.length() <= maxTokenBytes,
                token.length() + " bytes (limit " + maxTokenBytes + ")"));
        JwsVerifier.Outcome outcome = new JwsVerifier(provider.algorithms()).verify(token, keys);
        boolean signed = outcome instanceof JwsVerifier.Verified;
        if (outcome instanceof JwsVerifier.Verified verified) {
            checks.add(new Check("format", true, "compact JWS"));
            checks.add(new Check("algorithm", true, verified.algorithm().getName()));
            checks.add(new Check("signature", true, "verified with key " + verified.key().id()));
        } else if (outcome instanceof JwsVerifier.Refused refused) {
            // The verifier checks format, then algorithm, then signature: those before the failed one passed.
            int failed = SIGNATURE_STEPS.indexOf(refused.reason().check());
            for (int i = 0; i < SIGNATURE_STEPS.size(); i++) {
                checks.add(new Check(SIGNATURE_STEPS.get(i), i < failed,
                        i < failed ? "ok" : i == failed ? refused.description() : "not checked"));
            }
        } else {
            checks.add(new Check("format", true, "compact JWS"));
            checks.add(new Check("algorithm", true, "allowed"));
            checks.add(new Check("signature", false, outcome == JwsVerifier.Missing.NO_KEYS
                    ? "the provider's JWKS has no usable keys" : "no key in the provider's JWKS has the token's kid"));
        }
        CompactToken compact = CompactToken.parse(token);
        byte[] payload = compact == null ? null : compact.payload();
        Map<ClaimsPolicy.Check, Rejected> results = payload == null ? null
                : new ClaimsPolicy(provider, clock).diagnose(payload);
        for (ClaimsPolicy.Check claim : ClaimsPolicy.Check.values()) {
            if (results == null) {
                checks.add(new Check(claim.label(), false, "claims unreadable"));
                continue;
            }
            Rejected problem = results.get(claim);
            String unverified = signed ? "" : " (claims not verified)";
            checks.add(problem == null ? new Check(claim.label(), true, "ok" + unverified)
                    : new Check(claim.label(), false, problem.description() + unverified));
        }
        return checks;
    }

    /**
     * Fetches and parses {@code provider}'s JWKS now, the way the engine does (no redirects, size cap,
     * unusable keys dropped). For the command line; blocks the calling thread up to {@code timeout}.
     *
     * @throws JwksException when the document cannot be fetched or is refused
     */
    public static JwksSnapshot fetchKeys(IdentityProvider provider, Duration timeout, Clock clock)
            throws JwksException, InterruptedException {
        JwksFetcher fetcher = new JwksFetcher(timeout, JwksFetcher.DEFAULT_MAX_BODY_BYTES, Runnable::run);
        try {
            byte[] body = fetcher.fetch(provider.jwksUri()).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)
                    .body();
            Instant now = clock.instant();
            return new JwksSnapshot(JwksParser.parse(body).keys(), now, now, now.plus(Duration.ofDays(1)));
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new JwksException("cannot fetch " + provider.jwksUri() + ": " + cause);
        }
    }

    /** True when every check passed: the ingress would accept the token. */
    public static boolean accepted(List<Check> checks) {
        return checks.stream().allMatch(Check::passed);
    }
}
