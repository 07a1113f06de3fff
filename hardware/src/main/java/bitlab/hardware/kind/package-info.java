/** The kinds of {@link bitlab.hardware.CostModel}: bitfusion, bismo, roofline and lut (with its CSV table). */
package bitlab.hardware.kind;
