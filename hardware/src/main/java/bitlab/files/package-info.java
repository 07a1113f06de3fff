/**
 * Reading and writing the files users name, for every module (this is the bottom one):
 * {@link bitlab.files.TextFile} turns each way a read can fail into one sentence;
 * {@link bitlab.files.WholeFile} writes a file whole or not at all, keeping its mode and links.
 */
package bitlab.files;
