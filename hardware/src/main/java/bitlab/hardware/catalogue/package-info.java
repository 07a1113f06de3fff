/** Target files: the YAML loader, the kind table that maps parameters to models, and the catalogue. */
package bitlab.hardware.catalogue;
