package dev.kprom.agent.config;

import java.nio.file.Path;

/** A probe set as found: its name, where its YAML came from, the directory its relative paths start from. */
public record ProbeSetConfig(String name, String source, Path baseDir, ProbeSetSpec spec) {}
