/**
 * HAWQ-V3 in notebooks: {@link bitlab.dsl.hawq.HawqBuilder} (what {@code hawq(net, data)} returns),
 * its results {@link bitlab.dsl.hawq.HawqResult} and {@link bitlab.dsl.hawq.ParetoResult}, their tables
 * and charts ({@link bitlab.dsl.hawq.HawqViews}) and the renderer service entry
 * {@link bitlab.dsl.hawq.HawqRenderers}.
 */
package bitlab.dsl.hawq;
