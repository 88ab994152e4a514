package io.runagents.ingress.core.testing;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.runagents.ingress.core.demo.authserver.ClientAuthMethod;
import io.runagents.ingress.core.demo.authserver.OAuthClient;
import io.runagents.ingress.core.http.FormEncoding;
import io.runagents.ingress.tokenstore.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client side of an authorization server, as a test drives it with {@link HttpClient} (redirects never
 * followed): authorization URLs with PKCE, code and refresh requests, revocations and bearer calls, each
 * authenticated the way its {@link OAuthClient} is registered.
 */
public final class OAuthTestClient {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A PKCE pair (RFC 7636): the verifier the client keeps and its S256 challenge. */
    public record Pkce(String verifier, String challenge) {
        public static Pkce random() {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            return new Pkce(verifier, Secret.of(verifier).s256Challenge());
        }
    }

    /** An answer: status, headers and body. */
    public record Answer(int status, HttpResponse<String> response) {
        public String body() {
            return response.body();
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        /** The body as a JSON object. */
        public Map<String, Object> json() {
            try {
                return JSONObjectUtils.parse(response.body());
            } catch (ParseException e) {
                throw new AssertionError("not JSON (" + status + "): " + response.body(), e);
            }
        }

        /** A string member of the JSON body. */
        public String json(String member) {
            Object value = json().get(member);
            return value == null ? null : value.toString();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final OAuthClient client;

    /** Presents {@code client}'s credentials, by its registered method. */
    public OAuthTestClient(OAuthClient client) {
        this.client = client;
    }

    /** An authorization URL for {@code client}'s first redirect URI: code flow, S256, the given extras too. */
    public URI authorizationUrl(URI endpoint, String scope, String state, Pkce pkce, Map<String, String> extra) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", client.clientId());
        params.put("redirect_uri", client.redirectUris().get(0));
        params.put("scope", scope);
        params.put("state", state);
        params.put("code_challenge", pkce.challenge());
        params.put("code_challenge_method", "S256");
        params.putAll(extra);
        return URI.create(FormEncoding.withQuery(endpoint.toString(), params));
    }

    /** The code grant, with {@code client}'s first redirect URI. */
    public Answer exchangeCode(URI tokenUrl, String code, String verifier) throws IOException, InterruptedException {
        return exchangeCode(tokenUrl, code, verifier, client.redirectUris().get(0));
    }

    public Answer exchangeCode(URI tokenUrl, String code, String verifier, String redirectUri)
            throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier);
        return authenticated(tokenUrl, form);
    }

    /** The refresh grant, with extra parameters ({@code scope}, {@code resource}) when given. */
    public Answer refresh(URI tokenUrl, String refreshToken, Map<String, String> extra)
            throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.putAll(extra);
        return authenticated(tokenUrl, form);
    }

    /** An RFC 7009 revocation; {@code hint} may be null. */
    public Answer revoke(URI revocationUrl, String token, String hint) throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", token);
        if (hint != null) {
            form.put("token_type_hint", hint);
        }
        return authenticated(revocationUrl, form);
    }

    /** POSTs {@code form} with {@code client}'s credentials added by its method. */
    public Answer authenticated(URI url, Map<String, String> form) throws IOException, InterruptedException {
        Map<String, String> body = new LinkedHashMap<>(form);
        String authorization = null;
        if (client.authMethod() == ClientAuthMethod.CLIENT_SECRET_BASIC) {
            authorization = FormEncoding.basicCredentials(client.clientId(), client.secret());
        } else {
            body.put("client_id", client.clientId());
            if (client.authMethod() == ClientAuthMethod.CLIENT_SECRET_POST) {
                body.put("client_secret", client.secret());
            }
        }
        return post(url, FormEncoding.encode(body), authorization);
    }

    /** POSTs a raw form body with the given {@code Authorization} (may be null). */
    public Answer post(URI url, String formBody, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(formBody));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build());
    }

    /** A GET, with {@code Authorization: Bearer <token>} when the token is not null. */
    public Answer get(URI url, String bearerToken) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10));
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        return send(request.build());
    }

    public Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response);
    }
}
