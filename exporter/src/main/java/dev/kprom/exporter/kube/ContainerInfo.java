package dev.kprom.exporter.kube;

/** A container of a pod of this node: its pod's UID and its name in the pod spec. */
public record ContainerInfo(String podUid, String name) {}
