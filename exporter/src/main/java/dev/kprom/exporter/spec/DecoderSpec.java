package dev.kprom.exporter.spec;

import java.util.List;
import java.util.Map;

/**
 * One decoder in a label's chain, by its YAML name, with the options some decoders take:
 * {@code {name: static_map, map: {"1": read}, allow_unknown: true}}, {@code {name: regexp, regexps: ["^sys_"]}},
 * {@code {name: syscall, arch: arm64}}, {@code {name: inet_ip, family_label: family}},
 * {@code {name: cgroup, root: /sys/fs/cgroup}}.
 */
public record DecoderSpec(String name, Map<String, String> map, Boolean allowUnknown, List<String> regexps,
                          String arch, String familyLabel, String root) {
    public DecoderSpec(String name) {
        this(name, null, null, null, null, null, null);
    }
}
