/**
 * The CPU the process runs on, shared by the float engine and the integer kernels: {@link bitlab.cpu.CpuFeatures}
 * (instruction set, VNNI, AMX, clock, as found in the CPU's flags or held down by {@code -Dbitlab.kernel.isa}) and
 * {@link bitlab.cpu.OneDnn} (oneDNN's one CPU engine, capped to what {@code CpuFeatures} allows). It depends on no
 * other bitlab package.
 */
package bitlab.cpu;
