package io.runagents.ingress.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.runagents.ingress.core.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC section 3 (proxy.yaml, "every other setting reloads live") for {@code tls}: turned on and off,
 * pointed at other files, and renewed in place, each taking effect for new connections while open ones
 * keep theirs; a certificate that does not load, or a key that is not the certificate's, changes nothing.
 */
class IngressTlsReloadTest {
    private static final Duration WITHIN = Duration.ofSeconds(5);

    @TempDir
    Path tmp;
    LiveProxy live;
    Path cert;
    Path key;

    @BeforeEach
    void start() throws Exception {
        live = LiveProxy.start(tmp, null);
        cert = tmp.resolve("certs/tls.crt");
        key = tmp.resolve("certs/tls.key");
        Files.createDirectories(cert.getParent());
        install("a");
    }

    @AfterEach
    void stop() {
        live.close();
    }

    @Test
    void tlsTurnedOnServesNewConnectionsWithTheCertificate() throws Exception {
        assertThat(plainGet()).isEqualTo(200);

        enableTls(cert, key);

        await().atMost(WITHIN).ignoreExceptions().until(() -> servedCertificate().equals("CN=ingress-a.test"));
        try (TlsClient client = TlsClient.connect(ingress())) {
            RawHttp.Response response = client.get("/main/x");
            assertThat(response.status()).isEqualTo(200);
        }
        assertThat(live.agent.received()).last().satisfies(r ->
                assertThat(r.header("X-Forwarded-Proto")).isEqualTo("https"));
    }

    @Test
    void plainHttpToTheTlsListenerIsClosedAndTheAgentSeesNothing() throws Exception {
        enableTls(cert, key);
        await().atMost(WITHIN).ignoreExceptions().until(() -> servedCertificate().equals("CN=ingress-a.test"));
        live.agent.clear();

        try (RawHttp plain = new RawHttp(ingress())) {
            plain.send("GET /main/x HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(plain.closedByPeer()).isTrue();
        }
        assertThat(live.agent.received()).isEmpty();
    }

    @Test
    void renewedFilesServeNewConnectionsWhileOpenOnesKeepTheirs() throws Exception {
        enableTls(cert, key);
        await().atMost(WITHIN).ignoreExceptions().until(() -> servedCertificate().equals("CN=ingress-a.test"));

        try (TlsClient open = TlsClient.connect(ingress())) {
            install("b"); // written over the old files, as a renewal does
            live.server.checkTlsFiles();

            assertThat(servedCertificate()).isEqualTo("CN=ingress-b.test");
            assertThat(open.subject()).isEqualTo("CN=ingress-a.test");
            assertThat(open.get("/main/x").status()).isEqualTo(200);
        }
    }

    @Test
    void halfWrittenRenewalKeepsTheCurrentCertificate() throws Exception {
        enableTls(cert, key);
        await().atMost(WITHIN).ignoreExceptions().until(() -> servedCertificate().equals("CN=ingress-a.test"));

        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nnot yet\n");
        live.server.checkTlsFiles();
        assertThat(servedCertificate()).isEqualTo("CN=ingress-a.test");

        install("b");
        live.server.checkTlsFiles();
        assertThat(servedCertificate()).isEqualTo("CN=ingress-b.test");
    }

    @Test
    void unloadableFilesRefuseTheReloadAndTheOldCertificateKeepsServing() throws Exception {
        enableTls(cert, key);
        await().atMost(WITHIN).ignoreExceptions().until(() -> servedCertificate().equals("CN=ingress-a.test"));
        long version = live.store.version();

        enableTls(tmp.resolve("certs/missing.crt"), key);

        await().atMost(WITHIN).until(() -> live.reloads("failure") >= 1.0);
        assertThat(live.store.version()).isEqualTo(version);
        assertThat(live.admin("GET", "/admin/config", null).body()).contains("conf/proxy.yaml:4:18: tls.certFile: "
                + "cannot read " + tmp.resolve("certs/missing.crt") + " (no such file)");
        assertThat(servedCertificate()).isEqualTo("CN=ingress-a.test");
    }

    @Test
    void certificateRenewedBeforeItsKeyKeepsTheCurrentPairUntilTheKeyFollows() throws Exception {
        enableTls(cert, key);
        await().atMost(WITHIN).ignoreExceptions().until(() -> servedCertificate().equals("CN=ingress-a.test"));

        copyAtomically("/tls/b-cert.pem", cert); // a renewal that writes the certificate first
        live.server.checkTlsFiles();
        assertThat(servedCertificate()).isEqualTo("CN=ingress-a.test");
        try (TlsClient client = TlsClient.connect(ingress())) {
            assertThat(client.get("/main/x").status()).isEqualTo(200);
        }

        copyAtomically("/tls/b-key.pem", key); // then the key
        live.server.checkTlsFiles();
        assertThat(servedCertificate()).isEqualTo("CN=ingress-b.test");
    }

    @Test
    void reloadToAKeyThatDoesNotMatchItsCertificateIsRefusedAndTheOldPairKeepsServing() throws Exception {
        enableTls(cert, key);
        await().atMost(WITHIN).ignoreExceptions().until(() -> servedCertificate().equals("CN=ingress-a.test"));
        long version = live.store.version();
        Path rsaCert = tmp.resolve("certs/rsa.crt");
        copyAtomically("/tls/rsa-cert.pem", rsaCert);

        enableTls(rsaCert, key);

        await().atMost(WITHIN).until(() -> live.reloads("failure") >= 1.0);
        assertThat(live.store.version()).isEqualTo(version);
        assertThat(live.admin("GET", "/admin/config", null).body()).contains("conf/proxy.yaml:4:"
                + (29 + rsaCert.toString().length()) + ": tls.keyFile: " + key + " does not match the certificate in "
                + rsaCert + " (tls.certFile)");
        try (TlsClient client = TlsClient.connect(ingress())) {
            assertThat(client.subject()).isEqualTo("CN=ingress-a.test");
            assertThat(client.get("/main/x").status()).isEqualTo(200);
        }
    }

    @Test
    void rsaPairIsServedLikeAnEcOne() throws Exception {
        install("rsa");
        enableTls(cert, key);

        await().atMost(WITHIN).ignoreExceptions().until(() -> servedCertificate().equals("CN=ingress-rsa.test"));
        try (TlsClient client = TlsClient.connect(ingress())) {
            assertThat(client.get("/main/x").status()).isEqualTo(200);
        }
    }

    @Test
    void tlsTurnedOffServesPlainHttpAgain() throws Exception {
        enableTls(cert, key);
        await().atMost(WITHIN).ignoreExceptions().until(() -> servedCertificate().equals("CN=ingress-a.test"));

        live.write("proxy.yaml", baseProxyYaml());

        await().atMost(WITHIN).ignoreExceptions().until(() -> plainGet() == 200);
        assertThatThrownBy(this::servedCertificate).isInstanceOf(IOException.class);
    }

    private void install(String pair) throws IOException {
        copyAtomically("/tls/" + pair + "-cert.pem", cert);
        copyAtomically("/tls/" + pair + "-key.pem", key);
    }

    private void copyAtomically(String resource, Path target) throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void enableTls(Path certFile, Path keyFile) {
        live.write("proxy.yaml", baseProxyYaml() + "tls: { certFile: " + certFile + ", keyFile: " + keyFile + " }\n");
    }

    private String baseProxyYaml() {
        return LiveProxy.PROXY_YAML + "dataDir: " + tmp.resolve("data") + "\naudit: { file: "
                + tmp.resolve("audit.jsonl") + " }\n";
    }

    private InetSocketAddress ingress() {
        return live.server.ingressAddress();
    }

    private int plainGet() throws IOException {
        return RawHttp.get(ingress(), "a", "/main/x").status();
    }

    /** The subject of the certificate a new connection is served. */
    private String servedCertificate() throws Exception {
        try (TlsClient client = TlsClient.connect(ingress())) {
            return client.subject();
        }
    }

    /** A TLS connection that trusts any certificate and remembers the one it was served. */
    private static final class TlsClient implements AutoCloseable {
        private final SSLSocket socket;
        private final RawHttp http;

        private TlsClient(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.http = new RawHttp(socket);
        }

        static TlsClient connect(InetSocketAddress address) throws IOException, GeneralSecurityException {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustAnything()}, null);
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address.getAddress(), address.getPort());
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            return new TlsClient(socket);
        }

        String subject() throws IOException {
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }

        RawHttp.Response get(String path) throws IOException {
            return http.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").read();
        }

        @Override
        public void close() throws IOException {
            http.close();
        }
    }

    /** Tests only: the point is which certificate is served, not whether it is trusted. */
    private static final class TrustAnything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) { }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) { }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
