package dev.kprom.exporter.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.exporter.spec.DecoderSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Every decoder, given random bytes of every length up to 64 (as a map key holds garbage after a program bug or a
 * layout mistake), either decodes, drops the series (null), or refuses with IllegalArgumentException, which the
 * collector counts as an undecodable key. Anything else would fail the whole metric's scrape.
 */
class DecoderFuzzTest {
    private static final List<DecoderSpec> ALL = List.of(
            new DecoderSpec("uint"),
            new DecoderSpec("hex"),
            new DecoderSpec("string"),
            new DecoderSpec("errno"),
            new DecoderSpec("syscall", null, null, null, "x86_64", null, null),
            new DecoderSpec("syscall", null, null, null, "arm64", null, null),
            new DecoderSpec("ksym"),
            new DecoderSpec("inet_ip"),
            new DecoderSpec("inet_ip", null, null, null, null, "family", null),
            new DecoderSpec("port"),
            new DecoderSpec("uid"),
            new DecoderSpec("static_map", Map.of("1", "one"), null, null, null, null, null),
            new DecoderSpec("static_map", Map.of("1", "one"), true, null, null, null, null),
            new DecoderSpec("regexp", null, null, List.of("^a", "(b|c)+$"), null, null, null),
            new DecoderSpec("kube_pod"),
            new DecoderSpec("kstack"),
            new DecoderSpec("majorminor"),
            new DecoderSpec("ifname"),
            new DecoderSpec("dname"),
            new DecoderSpec("pci_vendor"),
            new DecoderSpec("pci_device"),
            new DecoderSpec("pci_class"),
            new DecoderSpec("pci_subclass"),
            new DecoderSpec("static_map", Map.of("1", "one"), null, null, null, null, null, "unknown:", null, null),
            new DecoderSpec("kernel_enum", null, null, null, null, null, null, null, "skb_drop_reason", null),
            new DecoderSpec("regexp", null, null, List.of("^(.)"), null, null, null),
            new DecoderSpec("kube_container"));

    private static final Map<DecoderSpec, LabelDecoder> DECODERS = new ConcurrentHashMap<>();

    @Provide
    Arbitrary<DecoderSpec> decoders() {
        return Arbitraries.of(ALL);
    }

    @Property(tries = 3000)
    void garbageIsDecodedDroppedOrRefusedNeverAnythingElse(
            @ForAll("decoders") DecoderSpec spec,
            @ForAll @Size(max = 64) byte[] raw,
            @ForAll @Size(max = 16) byte[] family) {
        LabelDecoder decoder =
                DECODERS.computeIfAbsent(spec, s -> new LabelDecoder(List.of(s))); // ksym, uid read files once
        KeyContext key = label -> label.equals("family") ? family : null;
        try {
            decoder.decode(raw, key);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 500)
    void aChainFeedsTextOnAndBehavesTheSame(@ForAll @Size(max = 16) byte[] raw) {
        LabelDecoder chain = new LabelDecoder(List.of(
                new DecoderSpec("uint"),
                new DecoderSpec("static_map", Map.of("0", "zero", "1", "one"), true, null, null, null, null),
                new DecoderSpec("regexp", null, null, List.of("^(zero|one|unknown.*|[0-9]+)$"), null, null, null)));
        try {
            chain.decode(raw, label -> null);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}
