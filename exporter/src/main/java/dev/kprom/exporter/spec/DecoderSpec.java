package dev.kprom.exporter.spec;

/** One decoder in a label's chain, by its YAML name: {@code {name: uint}}. */
public record DecoderSpec(String name) {}
