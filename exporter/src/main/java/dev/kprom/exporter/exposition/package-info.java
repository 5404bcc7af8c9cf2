/**
 * A metric family read from a map, as series with pre-rendered labels, and its text exposition (Prometheus text
 * 0.0.4 and OpenMetrics 1.0) written straight from it; other formats go through client_java snapshots.
 */
package dev.kprom.exporter.exposition;
