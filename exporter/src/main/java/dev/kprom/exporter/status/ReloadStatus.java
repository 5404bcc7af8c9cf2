package dev.kprom.exporter.status;

/**
 * The configuration's last load or reload: whether it applied, when (ISO-8601), why it was refused (null when it
 * applied), and when a load last applied.
 */
public record ReloadStatus(boolean successful, String at, String error, String lastSuccessAt) {}
