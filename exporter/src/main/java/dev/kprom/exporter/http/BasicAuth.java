package dev.kprom.exporter.http;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * HTTP basic auth against bcrypt hashes ({@code basic_auth_users} of the web config, as in Prometheus'
 * exporter-toolkit). bcrypt is slow on purpose (~50-100 ms at cost 10), so a credential that verified once is
 * remembered (by user and SHA-256 of the password, bounded) and later requests cost a hash lookup.
 */
public final class BasicAuth {
    private static final int REMEMBERED = 1024;
    private final Map<String, byte[]> users;
    private final Set<String> verified = Collections.newSetFromMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    });

    /** A hash of a random password at the users' cost: an unknown user is checked against it, as slowly. */
    private final byte[] dummy;

    /** {@code users}: user name to bcrypt hash ($2a$, $2b$ or $2y$). */
    public BasicAuth(Map<String, String> users) {
        this.users = new HashMap<>();
        users.forEach((u, h) -> this.users.put(u, h.getBytes(StandardCharsets.UTF_8)));
        int cost = users.values().stream()
                .filter(BasicAuth::isBcrypt)
                .mapToInt(h -> Integer.parseInt(h.substring(4, 6)))
                .max()
                .orElse(10);
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.dummy = BCrypt.withDefaults()
                .hash(cost, HexFormat.of().formatHex(random).getBytes(StandardCharsets.UTF_8));
    }

    private final FailedLogins failedLogins = new FailedLogins(System::nanoTime);

    /** What can be told of a request's credentials without a bcrypt check. */
    enum Precheck {
        /** They verified before. */
        ALLOWED,
        /** No credentials, malformed ones, or an address that failed too often lately. */
        REFUSED,
        /** Only bcrypt can tell: {@link #allows(String, InetAddress)}. */
        NEEDS_CHECK
    }

    /**
     * The cheap part of {@link #allows(String, InetAddress)}, fit for the I/O loop: a hash lookup and the failed
     * logins of {@code from} (null: not known).
     */
    Precheck precheck(String authorization, InetAddress from) {
        if (credentials(authorization) == null) return Precheck.REFUSED;
        if (remembered(authorization)) return Precheck.ALLOWED;
        return from != null && failedLogins.blocked(from) ? Precheck.REFUSED : Precheck.NEEDS_CHECK;
    }

    /**
     * Whether an {@code Authorization} header from {@code from} (null: not known) names a user with the right
     * password. An address that failed {@link FailedLogins#MAX_FAILURES} times within
     * {@link FailedLogins#WINDOW_NANOS} is refused unchecked for the rest of that window, unless its credentials
     * are ones that verified before.
     */
    public boolean allows(String authorization, InetAddress from) {
        if (from != null && failedLogins.blocked(from) && !remembered(authorization)) return false;
        boolean ok = allows(authorization);
        if (!ok && from != null) failedLogins.failed(from);
        return ok;
    }

    private boolean remembered(String authorization) {
        String[] userAndPassword = credentials(authorization);
        if (userAndPassword == null) return false;
        synchronized (verified) {
            return verified.contains(userAndPassword[0] + ":" + sha256(userAndPassword[1]));
        }
    }

    /** {@code Basic base64(user:password)} as user and password, or null when it is not that. */
    private static String[] credentials(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    /** Whether an {@code Authorization} header value names a user with the right password. */
    public boolean allows(String authorization) {
        String[] userAndPassword = credentials(authorization);
        if (userAndPassword == null) return false;
        String user = userAndPassword[0];
        String password = userAndPassword[1];
        byte[] hash = users.get(user);
        if (hash == null) {
            // as slow as a wrong password, so that the time of a refusal does not tell which user names exist
            BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8), dummy);
            return false;
        }
        String key = user + ":" + sha256(password);
        synchronized (verified) {
            if (verified.contains(key)) return true;
        }
        boolean ok = BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8), hash).verified;
        if (ok) {
            synchronized (verified) {
                verified.add(key);
            }
        }
        return ok;
    }

    /** Whether {@code hash} looks like a bcrypt hash this class can verify. */
    public static boolean isBcrypt(String hash) {
        return hash != null && hash.matches("\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}");
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
