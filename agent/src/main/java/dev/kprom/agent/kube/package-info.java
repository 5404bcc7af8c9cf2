/** The pods of this node, watched through the Kubernetes API: the metadata the {@code kube_*} decoders read. */
package dev.kprom.agent.kube;
