package io.runagents.ingress.jwt;

/**
 * Why a token was refused. Each SPEC section 3 rule has its own reason so that logs, metrics and
 * {@code runagents token verify} can name the check that failed.
 */
public enum RejectReason {
    MISSING("token", "no bearer token"),
    TOO_LARGE("format", "token exceeds the size limit"),
    MALFORMED("format", "token is not a strict compact JWS"),
    UNSUPPORTED_JWE("format", "encrypted tokens (JWE) are not accepted"),
    NESTED("format", "nested tokens are not accepted"),
    UNKNOWN_CRIT("format", "token uses a critical header the proxy does not understand"),
    ALG_NOT_ALLOWED("algorithm", "signature algorithm not allowed"),
    KEY_MISMATCH("algorithm", "signature algorithm does not match the key"),
    UNKNOWN_KEY("signature", "no key in the provider's JWKS matches the token"),
    BAD_SIGNATURE("signature", "signature verification failed"),
    DUPLICATE_CLAIM("claims", "token repeats a claim name"),
    INVALID_CLAIM("claims", "a registered claim has the wrong type or range"),
    ISSUER("issuer", "issuer mismatch"),
    AUDIENCE("audience", "audience mismatch"),
    MISSING_EXP("expiry", "token has no exp claim"),
    EXPIRED("expiry", "token expired"),
    NOT_YET_VALID("expiry", "token not yet valid"),
    ISSUED_IN_FUTURE("expiry", "token issued in the future"),
    LIFETIME("expiry", "token lifetime exceeds the provider's limit"),
    BAD_USER_ID_CLAIM("user id", "user id claim missing or not a clean string"),
    BAD_SCOPE_CLAIM("scopes", "scope and scp together, or a scope claim that is not space-separated scope strings"),
    DOMAIN_NOT_ALLOWED("allowed domain", "email domain not allowed"),
    EMAIL_NOT_VERIFIED("allowed domain", "email not verified");

    private final String check;
    private final String description;

    RejectReason(String check, String description) {
        this.check = check;
        this.description = description;
    }

    /** The check this reason belongs to, as {@code token verify} prints it ({@code signature}, {@code expiry}, ...). */
    public String check() {
        return check;
    }

    /** A short, fixed, header-safe description (ASCII, no quotes), suitable for {@code error_description}. */
    public String description() {
        return description;
    }

    /** True for the 403 kind (the token is valid but the user is not allowed); false for the 401 kind. */
    public boolean forbidden() {
        return this == DOMAIN_NOT_ALLOWED || this == EMAIL_NOT_VERIFIED;
    }
}
