/** Label decoders: each turns the bytes of a key field into a label value, found by its YAML name. */
package dev.kprom.exporter.decode;
