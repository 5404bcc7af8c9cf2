/** What kprom reports about itself over HTTP: readiness and the state of every probe set. */
package dev.kprom.exporter.status;
