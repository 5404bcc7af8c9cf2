/** Where labels and values sit in a map's key and value bytes, from the config or from the object's BTF. */
package dev.kprom.exporter.layout;
