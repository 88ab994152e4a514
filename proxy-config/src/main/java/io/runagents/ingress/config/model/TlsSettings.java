package io.runagents.ingress.config.model;

/** TLS on the ingress listener; enabled when both files are set. Either may be null. */
public record TlsSettings(String certFile, String keyFile) {
    public static final TlsSettings DEFAULTS = new TlsSettings(null, null);

    /** True when both the certificate chain and the private key are configured. */
    public boolean enabled() {
        return certFile != null && keyFile != null;
    }
}
