/** Where programs attach: tracefs, kallsyms resolution, kernel capability checks, and ordered attach alternatives. */
package dev.kprom.agent.attach;
