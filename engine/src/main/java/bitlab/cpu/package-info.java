/**
 * The CPU the process runs on, shared by the float engine and the integer kernels: {@link bitlab.cpu.CpuFeatures}
 * (instruction set, VNNI, AMX, clock, vendor, family and model, as found in {@code /proc/cpuinfo} or held down by
 * {@code -Dbitlab.kernel.isa}), {@link bitlab.cpu.Microarchitecture} (bits of vector integer multiply a core issues a
 * cycle, by vendor, family and model, with the basis of each figure: what the computed int8 peak multiplies by) and
 * {@link bitlab.cpu.OneDnn} (oneDNN's one CPU engine, capped to what {@code CpuFeatures} allows). It depends on no
 * other bitlab package.
 */
package bitlab.cpu;
