/**
 * Kubernetes metadata as decoders see it: the pods of this node by UID and their containers by id, from whatever the
 * agent installs ({@link dev.kprom.exporter.kube.PodDirectory}); without Kubernetes, an empty directory.
 */
package dev.kprom.exporter.kube;
