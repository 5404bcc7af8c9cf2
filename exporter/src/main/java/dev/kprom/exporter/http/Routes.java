package dev.kprom.exporter.http;

import dev.kprom.exporter.status.StatusSource;
import io.micrometer.core.instrument.Timer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** What the server serves: the registry behind /metrics, the landing page, the daemon's status, and the scrape timer. */
public record Routes(PrometheusRegistry registry, LandingPage landing, StatusSource status, Timer scrapeDuration) {}
