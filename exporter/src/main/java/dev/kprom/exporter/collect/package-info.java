/** Collectors that read maps at scrape time and return fresh Prometheus snapshots. */
package dev.kprom.exporter.collect;
