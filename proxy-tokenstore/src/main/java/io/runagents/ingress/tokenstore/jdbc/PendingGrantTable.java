package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.Lookup;
import io.runagents.ingress.tokenstore.PendingGrant;
import io.runagents.ingress.tokenstore.Scopes;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.TokenSet;
import io.runagents.ingress.tokenstore.crypto.Binding.Purpose;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of {@code pending_grants}. A row is found by the SHA-256 of its consent code. Rows leave only through
 * {@code DELETE ... RETURNING}, so each pending grant's tokens reach exactly one caller, who grants or revokes them.
 */
final class PendingGrantTable {

    private static final String ALL = "provider, user_id, tool, scopes, access_token, access_expires_at, "
            + "refresh_token, key_id, created_at, expires_at";

    private final Sealer sealer;

    PendingGrantTable(Sealer sealer) {
        this.sealer = sealer;
    }

    void insert(Connection c, Secret code, PendingGrant g) throws SQLException {
        GrantKey key = g.key();
        TokenSet t = g.tokens();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pending_grants (code_hash, " + ALL
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setBytes(1, code.sha256());
            GrantTable.bindKey(ps, 2, key);
            ps.setString(5, Scopes.join(t.scopes()));
            ps.setBytes(6, sealer.seal(Purpose.PENDING_ACCESS_TOKEN, key, t.accessToken()));
            Columns.setInstant(ps, 7, t.accessExpiresAt());
            Columns.setBytes(ps, 8, sealer.seal(Purpose.PENDING_REFRESH_TOKEN, key, t.refreshToken()));
            ps.setString(9, sealer.writeKeyId());
            ps.setLong(10, g.createdAt().toEpochMilli());
            ps.setLong(11, g.expiresAt().toEpochMilli());
            ps.executeUpdate();
        }
    }

    /** Deletes the live pending grant of {@code code} and returns it. */
    Lookup<PendingGrant> consume(Connection c, Secret code, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM pending_grants WHERE code_hash = ? "
                + "AND expires_at > ? RETURNING " + ALL)) {
            ps.setBytes(1, code.sha256());
            ps.setLong(2, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? decrypt(rs) : Lookup.none();
            }
        }
    }

    /** Deletes every pending grant expired at {@code now} and returns what they decrypt to. */
    List<Lookup<PendingGrant>> deleteExpired(Connection c, Instant now) throws SQLException {
        List<Lookup<PendingGrant>> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM pending_grants WHERE expires_at <= ? "
                + "RETURNING " + ALL)) {
            ps.setLong(1, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(decrypt(rs));
                }
            }
        }
        return out;
    }


    private Lookup<PendingGrant> decrypt(ResultSet rs) throws SQLException {
        GrantKey key = GrantTable.keyOf(rs);
        Sealer.Row row = sealer.row("pending grant", key);
        Secret access = row.open(Purpose.PENDING_ACCESS_TOKEN, rs.getBytes("access_token"));
        Secret refresh = row.open(Purpose.PENDING_REFRESH_TOKEN, rs.getBytes("refresh_token"));
        List<String> scopes = Scopes.split(rs.getString("scopes"));
        Instant accessExpiresAt = Columns.instant(rs, "access_expires_at");
        Instant createdAt = Columns.instant(rs, "created_at");
        Instant expiresAt = Columns.instant(rs, "expires_at");
        return row.result(() -> new PendingGrant(key, new TokenSet(access, refresh, accessExpiresAt, scopes),
                createdAt, expiresAt));
    }
}
