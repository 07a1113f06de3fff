/** The closed family of cost-model kinds: bitfusion, bismo, roofline and lut (with its CSV table). */
package bitlab.hardware.kind;
