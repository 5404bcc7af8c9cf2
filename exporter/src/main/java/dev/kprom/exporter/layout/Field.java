package dev.kprom.exporter.layout;

/** A named byte range of a key or value: a struct member from BTF, or a label laid out by the config. */
public record Field(String name, int offset, int size) {
    public int end() {
        return offset + size;
    }
}
