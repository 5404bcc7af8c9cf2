/** Event records pushed by the kernel through perf or BPF ring buffers, and the metrics kprom computes from them. */
package dev.kprom.exporter.events;
