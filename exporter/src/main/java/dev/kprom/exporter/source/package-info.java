/** What a collector reads: the entries of a map, as byte ranges, without knowing where they come from. */
package dev.kprom.exporter.source;
