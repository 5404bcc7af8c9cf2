/**
 * The BPF inventory: every program, map and link on the node, walked by id as bpftool walks them, with the
 * processes holding them and the bpffs paths pinning them, served through the same metric specs as probe maps.
 */
package dev.kprom.agent.inventory;
