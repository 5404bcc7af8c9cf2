package dev.kprom.agent.lifecycle;

import dev.kprom.agent.config.AttachSpec;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.agent.probe.ProbeObjects;
import dev.kprom.agent.probe.ProbeSet;
import dev.kprom.exporter.self.ProbeMeters;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;

/**
 * One configured probe set and what runs of it: the version the config asks for (its YAML, object bytes and the
 * attach kinds ruled out, as a fingerprint), the version attached now (null while down), and, while they differ,
 * why and when to try again. Guarded by its {@link Supervisor}.
 */
final class ProbeSlot {
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofMinutes(5);

    final String name;
    final ProbeMeters meters;
    ProbeSetConfig config;
    String fingerprint;
    ProbeSet running;
    String runningFingerprint;
    String error;
    long failures;
    Duration backoff = FIRST_RETRY;
    long retryAtNanos;

    ProbeSlot(String name, ProbeMeters meters) {
        this.name = name;
        this.meters = meters;
    }

    boolean required() {
        return config.spec().isRequired();
    }

    /** Attached, in the version the config asks for. */
    boolean current() {
        return running != null && fingerprint.equals(runningFingerprint);
    }

    /** Sets the version to run; the backoff starts afresh for it. */
    void want(ProbeSetConfig config, String fingerprint) {
        this.config = config;
        this.fingerprint = fingerprint;
        this.backoff = FIRST_RETRY;
        this.retryAtNanos = 0;
    }

    /** A failed attempt: the next waits twice as long, up to {@link #MAX_RETRY}. */
    Duration failed(String error, long now) {
        Duration wait = backoff;
        this.error = error;
        failures++;
        retryAtNanos = now + wait.toNanos();
        backoff = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
        return wait;
    }

    /** What identifies a version of a probe set: its YAML, its object's bytes, and the attach kinds ruled out. */
    static String fingerprint(ProbeSetConfig config, Set<AttachSpec.Kind> disabled) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(config.text().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(ProbeObjects.bytes(config));
            sha.update((byte) 0);
            sha.update(new TreeSet<>(disabled).toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
