package io.runagents.ingress.core.transport;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the ingress certificate chain and private key from PEM, each on its own, so that what is wrong is told
 * about the file at fault (Netty, handed both, reports a bad key as a bad chain). Blocks of other kinds are
 * skipped, as Netty does, so one file holding both the key and the chain can be named by both settings.
 * Messages never quote a key file's content.
 */
final class TlsPem {
    /** A PEM block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}...) and its base64 body. */
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----",
            Pattern.DOTALL);
    /** Every algorithm the JDK serves TLS with; a PKCS #8 key is tried against each. */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA");
    /** Keys that openssl writes when not asked for PKCS #8, by label; it converts each of them. */
    private static final Map<String, String> CONVERTIBLE_KEYS = Map.of(
            "RSA PRIVATE KEY", "a PKCS #1 RSA key",
            "EC PRIVATE KEY", "a SEC1 EC key",
            "DSA PRIVATE KEY", "an OpenSSL DSA key",
            "ENCRYPTED PRIVATE KEY", "an encrypted PKCS #8 key");

    /** Why a file cannot be used; the message starts with the file's name. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message, null, false, false);
        }
    }

    private TlsPem() {
    }

    /** The certificates of {@code file}'s {@code CERTIFICATE} blocks, in their order (the server's own first). */
    static X509Certificate[] certificateChain(String file, byte[] content) throws Unusable {
        List<X509Certificate> chain = new ArrayList<>();
        for (Block block : blocks(content)) {
            if (block.label().equals("CERTIFICATE")) {
                try {
                    chain.add((X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(block.der())));
                } catch (CertificateException | IllegalArgumentException e) {
                    throw new Unusable(file + " is not a PEM certificate chain (certificate " + (chain.size() + 1)
                            + " does not parse: " + e.getMessage() + ")");
                }
            }
        }
        if (chain.isEmpty()) {
            throw new Unusable(file + " is not a PEM certificate chain (expected: \"-----BEGIN CERTIFICATE-----\""
                    + " blocks)");
        }
        return chain.toArray(X509Certificate[]::new);
    }

    /** The key of {@code file}'s first {@code PRIVATE KEY} block (unencrypted PKCS #8). */
    static PrivateKey privateKey(String file, byte[] content) throws Unusable {
        List<Block> blocks = blocks(content);
        for (Block block : blocks) {
            if (block.label().equals("PRIVATE KEY")) {
                return pkcs8(file, block);
            }
        }
        for (Block block : blocks) {
            String kind = CONVERTIBLE_KEYS.get(block.label());
            if (kind != null) {
                throw new Unusable(file + " is " + kind + " (\"-----BEGIN " + block.label() + "-----\"); it must be"
                        + " an unencrypted PKCS #8 key (\"-----BEGIN PRIVATE KEY-----\"): convert it with"
                        + " `openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key-pkcs8.pem`");
            }
        }
        throw new Unusable(file + " is not a PEM private key (expected: unencrypted PKCS #8, \"-----BEGIN PRIVATE"
                + " KEY-----\")");
    }

    private static PrivateKey pkcs8(String file, Block block) throws Unusable {
        PKCS8EncodedKeySpec spec;
        try {
            spec = new PKCS8EncodedKeySpec(block.der());
        } catch (IllegalArgumentException e) {
            throw new Unusable(file + " is not a PEM private key (its \"PRIVATE KEY\" block is not base64)");
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this algorithm; the exception's text may describe the key, so it is not reported
            }
        }
        throw new Unusable(file + " is not a PEM private key (its \"PRIVATE KEY\" block is not an RSA, EC, EdDSA or"
                + " DSA key in PKCS #8)");
    }

    private record Block(String label, String base64) {
        /** The body decoded; line breaks (and any other stray characters) are skipped. */
        byte[] der() {
            return Base64.getMimeDecoder().decode(base64);
        }
    }

    /** Latin-1 maps every byte to one character, so a binary file just has no blocks. */
    private static List<Block> blocks(byte[] content) {
        Matcher matcher = BLOCK.matcher(new String(content, StandardCharsets.ISO_8859_1));
        List<Block> blocks = new ArrayList<>();
        while (matcher.find()) {
            blocks.add(new Block(matcher.group(1), matcher.group(2)));
        }
        return blocks;
    }
}
