/** How integer-only models look in a notebook: the program summary, the per-step trace, the latency table. */
package bitlab.dsl.integer;
