package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.Lookup;
import io.runagents.ingress.tokenstore.PendingConsent;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.TokenStore;
import io.runagents.ingress.tokenstore.crypto.Binding.Purpose;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The SQL of {@code pending_consents}. A row is found by the SHA-256 of its state; the state itself is kept only
 * encrypted, for reuse of a live consent. Expired rows are never returned; {@link #deleteExpired} removes them.
 */
final class ConsentTable {

    private static final String ALL = "provider, user_id, tool, state, verifier, key_id, created_at, expires_at";
    private static final String USER = "provider = ? AND user_id = ?";

    private final Sealer sealer;

    ConsentTable(Sealer sealer) {
        this.sealer = sealer;
    }

    /**
     * Inserts {@code consent}, then keeps only the {@value TokenStore#MAX_PENDING_CONSENTS} newest live consents of
     * its user (expired ones first go).
     */
    void insert(Connection c, PendingConsent consent) throws SQLException {
        GrantKey key = consent.key();
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM pending_consents WHERE " + USER
                + " AND expires_at <= ?")) {
            ps.setString(1, key.provider());
            ps.setString(2, key.userId());
            ps.setLong(3, consent.createdAt().toEpochMilli());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pending_consents (state_hash, " + ALL
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setBytes(1, consent.state().sha256());
            GrantTable.bindKey(ps, 2, key);
            ps.setBytes(5, sealer.seal(Purpose.STATE, key, consent.state()));
            ps.setBytes(6, sealer.seal(Purpose.VERIFIER, key, consent.verifier()));
            ps.setString(7, sealer.writeKeyId());
            ps.setLong(8, consent.createdAt().toEpochMilli());
            ps.setLong(9, consent.expiresAt().toEpochMilli());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM pending_consents WHERE " + USER
                + " AND state_hash NOT IN (SELECT state_hash FROM pending_consents WHERE " + USER
                + " ORDER BY created_at DESC, state_hash DESC LIMIT ?)")) {
            ps.setString(1, key.provider());
            ps.setString(2, key.userId());
            ps.setString(3, key.provider());
            ps.setString(4, key.userId());
            ps.setInt(5, TokenStore.MAX_PENDING_CONSENTS);
            ps.executeUpdate();
        }
    }

    /** Deletes the live consent of {@code state} and returns it: one statement, so one caller wins. */
    Lookup<PendingConsent> consume(Connection c, Secret state, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM pending_consents WHERE state_hash = ? "
                + "AND expires_at > ? RETURNING " + ALL)) {
            ps.setBytes(1, state.sha256());
            ps.setLong(2, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? decrypt(rs) : Lookup.none();
            }
        }
    }

    /**
     * The newest live consent of {@code key} that decrypts. Unreadable ones (logged by the sealer) are passed over:
     * a user has at most {@value TokenStore#MAX_PENDING_CONSENTS}, so this reads at most that many rows.
     */
    Optional<PendingConsent> newestLive(Connection c, GrantKey key, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ALL + " FROM pending_consents WHERE " + USER
                + " AND tool = ? AND expires_at > ? ORDER BY created_at DESC, state_hash DESC")) {
            GrantTable.bindKey(ps, 1, key);
            ps.setLong(4, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Optional<PendingConsent> found = decrypt(rs).found();
                    if (found.isPresent()) {
                        return found;
                    }
                }
                return Optional.empty();
            }
        }
    }

    /** Deletes every consent expired at {@code now}; returns how many. */
    int deleteExpired(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM pending_consents WHERE expires_at <= ?")) {
            ps.setLong(1, now.toEpochMilli());
            return ps.executeUpdate();
        }
    }


    private Lookup<PendingConsent> decrypt(ResultSet rs) throws SQLException {
        GrantKey key = GrantTable.keyOf(rs);
        Sealer.Row row = sealer.row("pending consent", key);
        Secret state = row.open(Purpose.STATE, rs.getBytes("state"));
        Secret verifier = row.open(Purpose.VERIFIER, rs.getBytes("verifier"));
        Instant createdAt = Columns.instant(rs, "created_at");
        Instant expiresAt = Columns.instant(rs, "expires_at");
        return row.result(() -> new PendingConsent(key, state, verifier, createdAt, expiresAt));
    }
}
