/**
 * Implement-it exercises with automatic checks: a tutorial asks the student to write one piece of bitlab (a fake
 * quantizer, an MSE clipping search, Hutchinson's estimator, a dyadic multiplier, a BOPs count) as a Java lambda,
 * and {@code check(...)} runs it on many inputs against bitlab's own implementation. The {@link Verdict} says
 * right or wrong in one sentence; when wrong, it names the first input where the two differ and, when it
 * recognises the mistake (ties rounded up, no clamp, the zero point left out, ...), what it is. A student's code
 * that throws is reported, never propagated.
 */
package bitlab.dsl.exercise;
