/**
 * Event streams from the kernel: per-CPU perf rings and BPF ring buffers, mmap'd and read directly from Java,
 * each drained by its own named thread that wakes on a timer or when the ring fills past a watermark.
 */
package dev.kprom.agent.events;
