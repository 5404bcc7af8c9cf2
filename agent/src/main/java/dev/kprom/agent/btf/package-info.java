/** Reading an object's BTF: the struct layout of map keys and values, and the variables of .rodata. */
package dev.kprom.agent.btf;
