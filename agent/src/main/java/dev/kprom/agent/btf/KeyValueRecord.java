package dev.kprom.agent.btf;

import dev.kprom.exporter.source.Field;
import java.util.List;
import java.util.Optional;

/**
 * A record struct of two members, {@code key} and {@code value}, as an iterator program writes it: where each sits,
 * how large it is, and their own struct members when they are structs.
 */
public record KeyValueRecord(
        int size, Field key, Optional<List<Field>> keyFields, Field value, Optional<List<Field>> valueFields) {}
