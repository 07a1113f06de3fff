/**
 * Reading the files users name, for every module (this is the bottom one): {@link bitlab.files.TextFile}
 * turns each way a read can fail into one sentence.
 */
package bitlab.files;
