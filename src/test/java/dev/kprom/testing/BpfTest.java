package dev.kprom.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that loads real BPF programs: tagged "bpf", run as root. Without root or BTF it is skipped, except
 * under {@code CI=true}, where it fails instead.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("bpf")
@ExtendWith(RequiresBpf.class)
public @interface BpfTest {}
