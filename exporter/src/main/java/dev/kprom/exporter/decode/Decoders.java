package dev.kprom.exporter.decode;

import dev.kprom.exporter.spec.DecoderCatalog;
import dev.kprom.exporter.spec.DecoderSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** The registry: every decoder by its YAML name, built from its spec (which checks the decoder's options). */
public final class Decoders {
    /** The registry as probe-set checks see it. */
    public static final DecoderCatalog CATALOG = new DecoderCatalog() {
        @Override
        public Set<String> names() {
            return Decoders.names();
        }

        @Override
        public Optional<String> optionsProblem(DecoderSpec spec) {
            try {
                of(spec);
                return Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.of(e.getMessage());
            } catch (RuntimeException e) { // a decoder's own check missed something: still a problem, never a crash
                return Optional.of("cannot be built from these options: " + e);
            }
        }
    };

    private static final Map<String, Function<DecoderSpec, Decoder>> BY_NAME = Map.ofEntries(
            Map.entry("uint", s -> new UintDecoder()),
            Map.entry("hex", s -> new HexDecoder()),
            Map.entry("string", s -> new StringDecoder()),
            Map.entry("errno", s -> new ErrnoDecoder()),
            Map.entry("syscall", s -> new SyscallDecoder(s.arch() != null ? s.arch() : System.getProperty("os.arch"))),
            Map.entry("ksym", s -> KsymDecoder.system()),
            Map.entry("inet_ip", s -> new InetIpDecoder(s.familyLabel())),
            Map.entry("port", s -> new PortDecoder()),
            Map.entry("uid", s -> new UidDecoder(Path.of("/etc/passwd"))),
            Map.entry(
                    "static_map",
                    s -> new StaticMapDecoder(s.map(), Boolean.TRUE.equals(s.allowUnknown()), s.unknownPrefix())),
            Map.entry("regexp", s -> new RegexpDecoder(s.regexps())),
            Map.entry("cgroup", s -> CgroupDecoder.of(s.root() != null ? Path.of(s.root()) : CgroupDecoder.v2Root())),
            Map.entry("kube_pod", s -> new KubePodDecoder()),
            Map.entry("kube_container", s -> new KubeContainerDecoder()),
            Map.entry("kube_namespace", s -> kube(KubeMetaDecoder.Property.NAMESPACE, s)),
            Map.entry("kube_pod_name", s -> kube(KubeMetaDecoder.Property.POD_NAME, s)),
            Map.entry("kube_container_name", s -> kube(KubeMetaDecoder.Property.CONTAINER_NAME, s)),
            Map.entry("kube_workload", s -> kube(KubeMetaDecoder.Property.WORKLOAD, s)),
            Map.entry("kube_workload_kind", s -> kube(KubeMetaDecoder.Property.WORKLOAD_KIND, s)),
            Map.entry("kube_pod_label", s -> kube(KubeMetaDecoder.Property.POD_LABEL, s)),
            Map.entry("pid_cgroup", s -> new PidCgroupDecoder(Path.of("/proc"))),
            Map.entry("kernel_enum", s -> new KernelEnumDecoder(Path.of("/sys/kernel/btf/vmlinux"), s.type())),
            Map.entry("kstack", s -> new KstackDecoder(KsymDecoder.system())),
            Map.entry("majorminor", s -> new MajorMinorDecoder(Path.of("/proc/partitions"))),
            Map.entry("ifname", s -> new IfnameDecoder()),
            Map.entry("dname", s -> new DnameDecoder()),
            Map.entry("pci_vendor", s -> new PciDecoder(PciDecoder.Kind.VENDOR)),
            Map.entry("pci_device", s -> new PciDecoder(PciDecoder.Kind.DEVICE)),
            Map.entry("pci_class", s -> new PciDecoder(PciDecoder.Kind.CLASS)),
            Map.entry("pci_subclass", s -> new PciDecoder(PciDecoder.Kind.SUBCLASS)));

    private Decoders() {}

    private static Decoder kube(KubeMetaDecoder.Property property, DecoderSpec spec) {
        return new KubeMetaDecoder(property, spec.label(), null);
    }

    public static Set<String> names() {
        return new TreeSet<>(BY_NAME.keySet());
    }

    public static boolean exists(String name) {
        return BY_NAME.containsKey(name);
    }

    /** Builds a decoder; an IllegalArgumentException says which option is wrong ("map: static_map needs ..."). */
    public static Decoder of(DecoderSpec spec) {
        Function<DecoderSpec, Decoder> decoder = BY_NAME.get(spec.name());
        if (decoder == null) {
            throw new IllegalArgumentException(
                    "unknown decoder \"" + spec.name() + "\" (known: " + String.join(", ", names()) + ")");
        }
        return decoder.apply(spec);
    }
}
