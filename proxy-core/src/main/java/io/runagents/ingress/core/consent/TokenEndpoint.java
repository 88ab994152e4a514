package io.runagents.ingress.core.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.http.FormEncoding;
import io.runagents.ingress.jwt.jwks.BoundedBody;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.TokenSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The proxy as an OAuth 2.0 client of a tool's authorization server (SPEC section 8): exchanges a code with its PKCE
 * verifier, refreshes, and revokes (RFC 7009), with the tool's own client authentication. It follows no redirect,
 * asks for JSON, reads at most 64 KiB of an answer and waits at most {@code timeout} for all of it. A token answer
 * counts only with an {@code access_token}, a {@code token_type} of Bearer and no {@code error} field.
 *
 * <p>Every call returns at once; the HTTP exchange runs on {@code executor}, never on an event loop, and the answer
 * is collected as it arrives ({@link BoundedBody}), so no thread waits on a slow body. Nothing here logs or returns a token, code, verifier or secret in words.
 */
public final class TokenEndpoint {
    /** The largest token answer read (SPEC section 8): larger is a failure, not a truncated token. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Executor executor;
    private final Duration timeout;
    private final UnaryOperator<String> environment;
    private final Clock clock;

    /**
     * @param executor runs the exchanges and reads the answers (blocking allowed there)
     * @param timeout {@code consent.tokenTimeoutMillis}: the whole call, connect to last byte
     * @param environment reads the client secrets ({@code System::getenv} outside tests)
     */
    public TokenEndpoint(Executor executor, Duration timeout, UnaryOperator<String> environment, Clock clock) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout)
                .executor(executor).build();
    }

    /** A token answer over {@link #MAX_ANSWER_BYTES}. Carries no content. */
    private static final class Oversized extends RuntimeException {
        Oversized() {
            super("the answer is over the size cap", null, false, false);
        }
    }

    /** What the token endpoint answered. */
    public sealed interface Answer {
        /** A usable token answer. Its scopes are null when the answer named none. */
        record Tokens(TokenSet tokens) implements Answer {
        }

        /**
         * The authorization server refused with an OAuth error code ({@code invalid_grant}, {@code invalid_client},
         * ...), whatever the status.
         */
        record Refused(String error, int status) implements Answer {
            /** {@code invalid_client} and {@code unauthorized_client}: the tool's configuration is wrong, not the user's grant. */
            public boolean configurationError() {
                return error.equals("invalid_client") || error.equals("unauthorized_client");
            }
        }

        /**
         * Anything else: 5xx, 429, a timeout, garbage, an oversized or non-Bearer answer. Never token content.
         *
         * @param reason what the audit trail records: {@code timeout}, {@code unreachable}, {@code http_<status>},
         *               {@code invalid_response} or {@code misconfigured} (no client secret)
         * @param detail the same in words, for the caller's answer and the logs
         */
        record Failed(String reason, String detail) implements Answer {
            static Failed invalidResponse(String detail) {
                return new Failed("invalid_response", detail);
            }
        }
    }

    /** Exchanges an authorization code (RFC 6749 section 4.1.3, RFC 7636 section 4.5). */
    public CompletableFuture<Answer> exchangeCode(ToolAuth.OAuth2 tool, Secret code, Secret verifier,
                                                  URI redirectUri) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code.reveal());
        form.put("redirect_uri", redirectUri.toString());
        form.put("code_verifier", verifier.reveal());
        return tokenRequest(tool, form);
    }

    /** Refreshes (RFC 6749 section 6); a missing refresh token in the answer means: keep the old one. */
    public CompletableFuture<Answer> refresh(ToolAuth.OAuth2 tool, Secret refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken.reveal());
        return tokenRequest(tool, form);
    }

    /**
     * Revokes a token at the tool's {@code revocationUrl} (RFC 7009), best effort: true when the server answered
     * 200, false on anything else or when the tool has no revocation endpoint. Never fails.
     *
     * @param hint {@code refresh_token} or {@code access_token}
     */
    public CompletableFuture<Boolean> revoke(ToolAuth.OAuth2 tool, Secret token, String hint) {
        if (tool.revocationUrl() == null) {
            return CompletableFuture.completedFuture(false);
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", token.reveal());
        form.put("token_type_hint", hint);
        HttpRequest request;
        try {
            request = post(tool, tool.revocationUrl(), form);
        } catch (IllegalStateException e) {
            return CompletableFuture.completedFuture(false);
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, failure) -> failure == null && response.statusCode() == 200);
    }

    private CompletableFuture<Answer> tokenRequest(ToolAuth.OAuth2 tool, Map<String, String> form) {
        if (tool.resource() != null) {
            form.put("resource", tool.resource().toString()); // RFC 8707 section 2.2
        }
        HttpRequest request;
        try {
            request = post(tool, tool.tokenUrl(), form);
        } catch (IllegalStateException e) {
            return CompletableFuture.completedFuture(new Answer.Failed("misconfigured", e.getMessage()));
        }
        return http.sendAsync(request, info -> new BoundedBody(MAX_ANSWER_BYTES, info, Oversized::new))
                .thenApply(response -> judge(response.statusCode(), response.body()))
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(TokenEndpoint::failed);
    }

    /** A form POST with the tool's client authentication (RFC 6749 section 2.3.1). */
    private HttpRequest post(ToolAuth.OAuth2 tool, URI url, Map<String, String> form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded");
        switch (tool.tokenEndpointAuth()) {
            case NONE -> form.put("client_id", tool.clientId());
            case CLIENT_SECRET_POST -> {
                form.put("client_id", tool.clientId());
                form.put("client_secret", secret(tool));
            }
            case CLIENT_SECRET_BASIC -> {
                request.header("Authorization", FormEncoding.basicCredentials(tool.clientId(), secret(tool)));
            }
        }
        return request.POST(HttpRequest.BodyPublishers.ofString(FormEncoding.encode(form))).build();
    }

    private String secret(ToolAuth.OAuth2 tool) {
        String value = environment.apply(tool.clientSecretEnv());
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("the tool's client secret is not configured (environment variable "
                    + tool.clientSecretEnv() + ")");
        }
        return value;
    }

    /** What one answer means, by SPEC section 8's rules. */
    Answer judge(int status, byte[] body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json != null && json.isObject() && json.path("error").isTextual()) {
            return new Answer.Refused(json.get("error").asText(), status);
        }
        if (status != 200) {
            return new Answer.Failed("http_" + status, "HTTP " + status);
        }
        if (json == null || !json.isObject()) {
            return Answer.Failed.invalidResponse("the answer is not a JSON object");
        }
        JsonNode access = json.path("access_token");
        if (!access.isTextual() || access.asText().isEmpty()) {
            return Answer.Failed.invalidResponse("the answer has no access_token");
        }
        if (!json.path("token_type").asText("").toLowerCase(Locale.ROOT).equals("bearer")) {
            return Answer.Failed.invalidResponse("the answer's token_type is not Bearer");
        }
        JsonNode refresh = json.path("refresh_token");
        JsonNode expiresIn = json.path("expires_in");
        JsonNode scope = json.path("scope");
        return new Answer.Tokens(new TokenSet(Secret.of(access.asText()),
                refresh.isTextual() && !refresh.asText().isEmpty() ? Secret.of(refresh.asText()) : null,
                expiresIn.canConvertToLong() && expiresIn.asLong() > 0
                        ? clock.instant().plusSeconds(expiresIn.asLong()) : null,
                scope.isTextual() ? scopes(scope.asText()) : null));
    }

    private static List<String> scopes(String scope) {
        return new ArrayList<>(Arrays.stream(scope.trim().split(" +")).filter(s -> !s.isEmpty()).distinct().toList());
    }

    private static Answer failed(Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof Oversized) {
            return Answer.Failed.invalidResponse("the answer is over " + MAX_ANSWER_BYTES + " bytes");
        }
        if (cause instanceof java.util.concurrent.TimeoutException
                || cause instanceof java.net.http.HttpTimeoutException) {
            return new Answer.Failed("timeout", "no answer in time");
        }
        return new Answer.Failed("unreachable", "the request failed: " + cause.getClass().getSimpleName());
    }
}
