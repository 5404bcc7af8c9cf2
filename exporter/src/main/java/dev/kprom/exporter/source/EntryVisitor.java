package dev.kprom.exporter.source;

import java.nio.ByteBuffer;

/**
 * Receives one map entry at a time. The buffers are shared by all entries of a read and are valid only during
 * the call; the key starts at {@code keyOffset}, the value at {@code valueOffset} (per-CPU values follow each
 * other, {@link MapSource#cpuStride()} bytes apart). Both buffers are in native byte order.
 */
@FunctionalInterface
public interface EntryVisitor {
    void visit(ByteBuffer keys, int keyOffset, ByteBuffer values, int valueOffset);
}
