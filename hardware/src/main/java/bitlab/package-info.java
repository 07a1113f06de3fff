/**
 * What every module of bitlab shares: {@link bitlab.BitlabException}, the family of failures told to a user in one
 * sentence, and {@link bitlab.Version}. Here because hardware is the bottom module of
 * {@code hardware <- engine <- dsl <- kernel}.
 */
package bitlab;
