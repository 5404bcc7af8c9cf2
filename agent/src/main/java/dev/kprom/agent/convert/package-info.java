/** Probe sets from other exporters' configs: {@code kprom convert ebpf-exporter FILE.yaml}. */
package dev.kprom.agent.convert;
