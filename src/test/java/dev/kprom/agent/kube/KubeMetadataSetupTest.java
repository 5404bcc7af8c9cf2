package dev.kprom.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.agent.config.KubernetesSpec;
import dev.kprom.exporter.kube.KubeMetadata;
import dev.kprom.exporter.self.SelfMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When the pod cache starts: auto in a pod that knows its node, never silently half-configured. */
class KubeMetadataSetupTest {
    private static final SelfMetrics SELF = new SelfMetrics(new PrometheusRegistry(), "test");

    @Test
    void autoOutsideAPodStaysOffWithoutAnyError() {
        assertThat(KubeMetadataSetup.start(KubernetesSpec.DEFAULT, Map.of(), SELF))
                .isNull();
        assertThat(KubeMetadataSetup.start(KubernetesSpec.DEFAULT, Map.of("NODE_NAME", "n1"), SELF))
                .isNull();
        assertThat(KubeMetadata.active()).isFalse();
    }

    @Test
    void autoNeedsBothTheServiceHostAndANodeName() {
        KubernetesSpec auto = KubernetesSpec.DEFAULT;
        assertThat(auto.active(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"))).isFalse();
        assertThat(auto.active(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "NODE_NAME", "n1")))
                .isTrue();
        assertThat(new KubernetesSpec("false", "n1", List.of(), null, null)
                        .active(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1")))
                .isFalse();
        assertThat(new KubernetesSpec(null, "n2", List.of(), null, null).node(Map.of("NODE_NAME", "n1")))
                .isEqualTo("n2");
    }

    @Test
    void enabledWithoutANodeNameSaysWhatToSet() {
        assertThatThrownBy(() -> KubeMetadataSetup.start(
                        new KubernetesSpec("true", null, List.of(), null, null), Map.of(), SELF))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("kubernetes.enabled is true but kprom does not know its node: set kubernetes.node_name,"
                        + " or NODE_NAME (the chart sets it from the Downward API)");
    }

    @Test
    void aPodWithoutAServiceAccountTokenStaysOffUnderAutoAndFailsWhenAskedFor() {
        Map<String, String> pod = Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "NODE_NAME", "n1");
        assertThat(ApiServer.SERVICE_ACCOUNT.resolve("token")).doesNotExist(); // this host is no pod
        assertThat(KubeMetadataSetup.start(KubernetesSpec.DEFAULT, pod, SELF)).isNull();
        assertThat(KubeMetadata.active()).isFalse();
        assertThatThrownBy(() ->
                        KubeMetadataSetup.start(new KubernetesSpec("true", null, List.of(), null, null), pod, SELF))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("in a pod (KUBERNETES_SERVICE_HOST=10.96.0.1) but no service account token at "
                        + ApiServer.SERVICE_ACCOUNT.resolve("token"));
    }
}
