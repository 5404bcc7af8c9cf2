/** The kprom daemon: command line, lifecycle, and everything that touches the kernel. */
package dev.kprom.agent;
