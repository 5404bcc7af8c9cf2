/** The Netty HTTP server: /metrics (through the Prometheus client's scrape handler) and a landing page. */
package dev.kprom.exporter.http;
