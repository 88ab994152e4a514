package io.runagents.ingress.core.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Every {@code error} code the proxy answers with, with its status: the wire vocabulary of SPEC sections 5, 7,
 * 8 and 10 in one place. The description of a single answer says what happened; {@link #description()} is the
 * default for answers with nothing more precise to say.
 */
public enum WireError {
    BAD_REQUEST(HttpResponseStatus.BAD_REQUEST, "malformed request"),
    URI_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long"),
    REQUEST_HEADER_FIELDS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request headers exceed maxHeaderBytes"),
    REQUEST_ENTITY_TOO_LARGE(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body exceeds the agent's maxBodyBytes"),
    REQUEST_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT, "the client did not send the whole request in time"),
    UNAUTHORIZED(HttpResponseStatus.UNAUTHORIZED, "a bearer token is required"),
    INVALID_TOKEN(HttpResponseStatus.UNAUTHORIZED, "the bearer token is not valid"),
    INVALID_CONTEXT(HttpResponseStatus.UNAUTHORIZED, "invalid or expired X-End-User-Context"),
    FORBIDDEN(HttpResponseStatus.FORBIDDEN, "forbidden"),
    INSUFFICIENT_SCOPE(HttpResponseStatus.FORBIDDEN, "the token lacks scopes this agent requires"),
    NOT_FOUND(HttpResponseStatus.NOT_FOUND, "not found"),
    METHOD_NOT_ALLOWED(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed"),
    NAME_MISMATCH(HttpResponseStatus.BAD_REQUEST, "the document's name is not the one in the path"),
    INTERNAL_ERROR(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error"),
    NOT_IMPLEMENTED(HttpResponseStatus.NOT_IMPLEMENTED, "not implemented"),
    BAD_GATEWAY(HttpResponseStatus.BAD_GATEWAY, "the upstream failed"),
    TEMPORARILY_UNAVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE, "temporarily unavailable"),
    TOOL_UNAVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE, "the tool is not configured"),
    SHUTDOWN(HttpResponseStatus.SERVICE_UNAVAILABLE, "the proxy is shutting down"),
    SHUTTING_DOWN(HttpResponseStatus.SERVICE_UNAVAILABLE, "the proxy is shutting down"),
    AUDIT_UNAVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE,
            "the audit trail cannot be written; nothing is served unaudited, try again later"),
    GATEWAY_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "the upstream did not answer in time"),
    // Per-user OAuth consent (SPEC sections 7 and 8).
    CONSENT_REQUIRED(HttpResponseStatus.UNAUTHORIZED, "the user has not granted access to this tool"),
    CONSENT_USER_MISMATCH(HttpResponseStatus.FORBIDDEN,
            "this consent was started by another user; its tokens were destroyed"),
    INVALID_CONSENT_CODE(HttpResponseStatus.BAD_REQUEST, "the consent code is unknown, used or expired"),
    TOKEN_REFRESH_FAILED(HttpResponseStatus.BAD_GATEWAY, "the tool's token endpoint did not refresh the access token"),
    TOKEN_KEY_MISSING(HttpResponseStatus.SERVICE_UNAVAILABLE,
            "the user's grant is encrypted with a key this proxy does not have"),
    TOKEN_STORE_UNAVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE, "the token store cannot be reached");

    private final HttpResponseStatus status;
    private final String code;
    private final String description;

    WireError(HttpResponseStatus status, String description) {
        this.status = status;
        this.code = name().toLowerCase(java.util.Locale.ROOT);
        this.description = description;
    }

    public HttpResponseStatus status() {
        return status;
    }

    /** The {@code error} value on the wire, e.g. {@code invalid_token}. */
    public String code() {
        return code;
    }

    /** The default {@code error_description}. */
    public String description() {
        return description;
    }
}
