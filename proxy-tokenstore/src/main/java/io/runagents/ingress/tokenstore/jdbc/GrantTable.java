package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.Grant;
import io.runagents.ingress.tokenstore.GrantInfo;
import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.GrantQuery;
import io.runagents.ingress.tokenstore.Lookup;
import io.runagents.ingress.tokenstore.Scopes;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.crypto.Binding.Purpose;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** The SQL of the {@code grants} table. Every method runs on the caller's connection and transaction. */
final class GrantTable {

    private static final String KEY = "provider = ? AND user_id = ? AND tool = ?";
    private static final String ALL = "provider, user_id, tool, scopes, access_token, access_expires_at, "
            + "refresh_token, key_id, created_at, refreshed_at, version";
    private static final String INFO = "provider, user_id, tool, scopes, access_expires_at, "
            + "refresh_token IS NOT NULL AS refreshable, key_id, created_at, refreshed_at, version";

    private final Dialect dialect;
    private final Sealer sealer;

    GrantTable(Dialect dialect, Sealer sealer) {
        this.dialect = dialect;
        this.sealer = sealer;
    }

    /** The grant of {@code key}; {@code lock} also locks its row until the transaction ends (PostgreSQL). */
    Lookup<Grant> select(Connection c, GrantKey key, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ALL + " FROM grants WHERE " + KEY
                + (lock ? dialect.forUpdate() : ""))) {
            bindKey(ps, 1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? decrypt(rs, key) : Lookup.none();
            }
        }
    }

    OptionalLong version(Connection c, GrantKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM grants WHERE " + KEY)) {
            bindKey(ps, 1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    List<GrantInfo> list(Connection c, GrantQuery q) throws SQLException {
        List<String> args = new ArrayList<>();
        StringBuilder where = new StringBuilder();
        filter(where, args, "provider", q.provider());
        filter(where, args, "user_id", q.userId());
        filter(where, args, "tool", q.tool());
        try (PreparedStatement ps = c.prepareStatement("SELECT " + INFO + " FROM grants" + where
                + " ORDER BY provider, user_id, tool LIMIT ?")) {
            int i = 1;
            for (String arg : args) {
                ps.setString(i++, arg);
            }
            ps.setInt(i, q.limit());
            List<GrantInfo> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new GrantInfo(keyOf(rs), Scopes.split(rs.getString("scopes")),
                            Columns.instant(rs, "access_expires_at"), rs.getBoolean("refreshable"),
                            Columns.instant(rs, "created_at"), Columns.instant(rs, "refreshed_at"),
                            rs.getLong("version"), rs.getString("key_id")));
                }
            }
            return out;
        }
    }

    /** Deletes the grant of {@code key} and returns what was deleted. */
    Lookup<Grant> delete(Connection c, GrantKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM grants WHERE " + KEY + " RETURNING " + ALL)) {
            bindKey(ps, 1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? decrypt(rs, key) : Lookup.none();
            }
        }
    }

    /** Inserts {@code g} unless its key has a grant (a concurrent writer was first); returns whether it did. */
    boolean insertIfAbsent(Connection c, Grant g) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO grants (" + ALL + ") VALUES "
                + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider, user_id, tool) DO NOTHING")) {
            bindKey(ps, 1, g.key());
            bindValues(ps, 4, g);
            return ps.executeUpdate() == 1;
        }
    }

    /** Overwrites the grant of {@code g.key()}, every column. */
    void update(Connection c, Grant g) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE grants SET scopes = ?, access_token = ?, "
                + "access_expires_at = ?, refresh_token = ?, key_id = ?, created_at = ?, refreshed_at = ?, "
                + "version = ? WHERE " + KEY)) {
            int next = bindValues(ps, 1, g);
            bindKey(ps, next, g.key());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("the grant to update is gone");
            }
        }
    }


    private int bindValues(PreparedStatement ps, int i, Grant g) throws SQLException {
        ps.setString(i++, Scopes.join(g.scopes()));
        ps.setBytes(i++, sealer.seal(Purpose.ACCESS_TOKEN, g.key(), g.accessToken()));
        Columns.setInstant(ps, i++, g.accessExpiresAt());
        Columns.setBytes(ps, i++, sealer.seal(Purpose.REFRESH_TOKEN, g.key(), g.refreshToken()));
        ps.setString(i++, sealer.writeKeyId());
        Columns.setInstant(ps, i++, g.createdAt());
        Columns.setInstant(ps, i++, g.refreshedAt());
        ps.setLong(i++, g.version());
        return i;
    }

    private Lookup<Grant> decrypt(ResultSet rs, GrantKey key) throws SQLException {
        Sealer.Row row = sealer.row("grant", key);
        Secret access = row.open(Purpose.ACCESS_TOKEN, rs.getBytes("access_token"));
        Secret refresh = row.open(Purpose.REFRESH_TOKEN, rs.getBytes("refresh_token"));
        List<String> scopes = Scopes.split(rs.getString("scopes"));
        Instant accessExpiresAt = Columns.instant(rs, "access_expires_at");
        Instant createdAt = Columns.instant(rs, "created_at");
        Instant refreshedAt = Columns.instant(rs, "refreshed_at");
        long version = rs.getLong("version");
        return row.result(() -> new Grant(key, scopes, access, accessExpiresAt, refresh, createdAt, refreshedAt,
                version, row.keyId()));
    }

    static void bindKey(PreparedStatement ps, int i, GrantKey key) throws SQLException {
        ps.setString(i, key.provider());
        ps.setString(i + 1, key.userId());
        ps.setString(i + 2, key.tool());
    }

    static GrantKey keyOf(ResultSet rs) throws SQLException {
        return new GrantKey(rs.getString("provider"), rs.getString("user_id"), rs.getString("tool"));
    }

    private static void filter(StringBuilder where, List<String> args, String column, String value) {
        if (value != null) {
            where.append(where.length() == 0 ? " WHERE " : " AND ").append(column).append(" = ?");
            args.add(value);
        }
    }
}
