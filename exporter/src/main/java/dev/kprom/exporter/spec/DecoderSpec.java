package dev.kprom.exporter.spec;

import java.util.List;
import java.util.Map;

/**
 * One decoder in a label's chain, by its YAML name, with the options some decoders take:
 * {@code {name: static_map, map: {"1": read}, allow_unknown: true}}, {@code {name: regexp, regexps: ["^sys_"]}},
 * {@code {name: syscall, arch: arm64}}, {@code {name: inet_ip, family_label: family}},
 * {@code {name: cgroup, root: /sys/fs/cgroup}}, {@code {name: static_map, map: {...}, unknown_prefix: "unknown:"}},
 * {@code {name: kernel_enum, type: skb_drop_reason}}, {@code {name: kube_pod_label, label: app}}.
 */
public record DecoderSpec(
        String name,
        Map<String, String> map,
        Boolean allowUnknown,
        List<String> regexps,
        String arch,
        String familyLabel,
        String root,
        String unknownPrefix,
        String type,
        String label) {
    public DecoderSpec(String name) {
        this(name, null, null, null, null, null, null, null, null, null);
    }

    /** Without {@code unknown_prefix}: as the decoders were before it came. */
    public DecoderSpec(
            String name,
            Map<String, String> map,
            Boolean allowUnknown,
            List<String> regexps,
            String arch,
            String familyLabel,
            String root) {
        this(name, map, allowUnknown, regexps, arch, familyLabel, root, null, null, null);
    }

    /** Each decoder of a chain at {@code at}: known, with the options it needs. */
    static void checkAll(List<DecoderSpec> decoders, String at, DecoderCatalog catalog, ProblemSink problems) {
        for (int j = 0; j < decoders.size(); j++) {
            DecoderSpec d = decoders.get(j);
            String dat = at + ".decoders[" + j + "]";
            if (d == null || d.name() == null || !catalog.names().contains(d.name())) {
                problems.add(
                        dat + ".name",
                        "unknown decoder (got " + SpecNames.quote(d == null ? null : d.name()) + "; known: "
                                + String.join(", ", catalog.names()) + ")");
                continue;
            }
            catalog.optionsProblem(d).ifPresent(p -> problems.add(dat, p));
        }
    }
}
