package dev.kprom.exporter.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.exporter.kube.ContainerInfo;
import dev.kprom.exporter.kube.PodDirectory;
import dev.kprom.exporter.kube.PodInfo;
import dev.kprom.exporter.spec.DecoderSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The kube_* metadata decoders on cgroup paths of both kubelet drivers and every runtime, and on anything else. */
class KubeMetaDecoderTest {
    static final String UID = "3f1b2c4d-1111-4222-8333-444455556666";
    static final String ID = "ab".repeat(32);
    static final AtomicLong GENERATION = new AtomicLong(7);

    /** One pod with one container: what a pod cache would know. */
    static final PodDirectory PODS = new PodDirectory() {
        @Override
        public Optional<PodInfo> pod(String uid) {
            return uid.equals(UID)
                    ? Optional.of(new PodInfo("shop", "web-1", "Deployment", "web", Map.of("app", "web")))
                    : Optional.empty();
        }

        @Override
        public Optional<ContainerInfo> container(String id) {
            return id.equals(ID) ? Optional.of(new ContainerInfo(UID, "app")) : Optional.empty();
        }

        @Override
        public long generation() {
            return GENERATION.get();
        }
    };

    private static String decode(KubeMetaDecoder.Property property, String label, String in) {
        byte[] out =
                new KubeMetaDecoder(property, label, PODS).decode(in.getBytes(StandardCharsets.UTF_8), KeyContext.NONE);
        return new String(out, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // systemd driver, containerd, CRI-O, Docker
                "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod3f1b2c4d_1111_4222_8333_444455556666.slice/cri-containerd-ID.scope|shop|web-1|app|web|Deployment|web",
                "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod3f1b2c4d_1111_4222_8333_444455556666.slice/crio-ID.scope|shop|web-1|app|web|Deployment|web",
                "/kubepods.slice/kubepods-pod3f1b2c4d_1111_4222_8333_444455556666.slice/docker-ID.scope|shop|web-1|app|web|Deployment|web",
                // cgroupfs driver (v1 or v2)
                "/kubepods/burstable/pod3f1b2c4d-1111-4222-8333-444455556666/ID|shop|web-1|app|web|Deployment|web",
                // the pod's own cgroup (its pause process): pod, no container
                "/kubepods/burstable/pod3f1b2c4d-1111-4222-8333-444455556666|shop|web-1||web|Deployment|web",
                // a pod the cache does not know (yet), the host, short and garbage input
                "/kubepods/burstable/pod99999999-9999-4999-8999-999999999999/ID2|||||||",
                "/system.slice/sshd.service||||||",
                "/||||||",
                "||||||",
                "pod|||||||",
                "\u0000\u00ff\u0001garbage||||||"
            })
    void eachPropertyOfEachLayout(
            String path, String ns, String pod, String container, String workload, String kind, String app) {
        String in = path == null ? "" : path.replace("ID2", "cd".repeat(32)).replace("ID", ID);
        assertThat(decode(KubeMetaDecoder.Property.NAMESPACE, null, in)).isEqualTo(nullToEmpty(ns));
        assertThat(decode(KubeMetaDecoder.Property.POD_NAME, null, in)).isEqualTo(nullToEmpty(pod));
        assertThat(decode(KubeMetaDecoder.Property.CONTAINER_NAME, null, in)).isEqualTo(nullToEmpty(container));
        assertThat(decode(KubeMetaDecoder.Property.WORKLOAD, null, in)).isEqualTo(nullToEmpty(workload));
        assertThat(decode(KubeMetaDecoder.Property.WORKLOAD_KIND, null, in)).isEqualTo(nullToEmpty(kind));
        assertThat(decode(KubeMetaDecoder.Property.POD_LABEL, "app", in)).isEqualTo(nullToEmpty(app));
        assertThat(decode(KubeMetaDecoder.Property.POD_LABEL, "tier", in)).isEmpty(); // a label the pod lacks
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    @Test
    void aLabelDecoderDecodesAgainWhenThePodCacheChanges() {
        KubeMetaDecoder d = new KubeMetaDecoder(KubeMetaDecoder.Property.NAMESPACE, null, PODS);
        long before = d.generation();
        GENERATION.incrementAndGet();
        assertThat(d.generation()).isNotEqualTo(before);
    }

    @Test
    void kubePodLabelNeedsItsLabelAndTheRegistryBuildsEveryOne() {
        assertThatThrownBy(() -> Decoders.of(new DecoderSpec("kube_pod_label")))
                .hasMessage("label: kube_pod_label needs the pod label's name");
        for (String name : new String[] {
            "kube_namespace",
            "kube_pod_name",
            "kube_container_name",
            "kube_workload",
            "kube_workload_kind",
            "pid_cgroup"
        }) {
            assertThat(Decoders.of(new DecoderSpec(name))).isNotNull();
        }
    }

    @Test
    void pidCgroupReadsTheV2PathElseAKubernetesV1One(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("1"));
        Files.writeString(proc.resolve("1/cgroup"), "0::/kubepods.slice/x.scope\n");
        Files.createDirectories(proc.resolve("2"));
        Files.writeString(proc.resolve("2/cgroup"), "12:cpuset:/\n11:memory:/kubepods/burstable/podX/ID\n0::/\n");
        PidCgroupDecoder d = new PidCgroupDecoder(proc);
        assertThat(text(d.decode(Ints.text(1), KeyContext.NONE))).isEqualTo("/kubepods.slice/x.scope");
        assertThat(text(d.decode(Ints.text(2), KeyContext.NONE))).isEqualTo("/kubepods/burstable/podX/ID");
        assertThat(text(d.decode(Ints.text(3), KeyContext.NONE))).isEmpty(); // gone
        assertThatThrownBy(() -> d.decode(Ints.text("x1"), KeyContext.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
