/**
 * HAQ (Wang et al., CVPR 2019): a DDPG agent picks weight and activation bits layer by layer,
 * the hardware simulator prices the policy, a repair step lowers bits until the budget holds,
 * and the accuracy of the quantized model is the reward.
 *
 * <p>The front door is {@link bitlab.search.haq.Haq}: {@code Haq.search(model, data, target,
 * Budget.latencyOf8Bit(0.6), HaqConfig.of(100, 1), Scoring.DEFAULT)} returns a {@link bitlab.search.haq.HaqResult}
 * with the best policy, its cost and accuracy, the episode history and the baselines (best uniform
 * policy, random search) at the same budget. (The notebook's {@code haq(net, data)} builder is in the dsl.)
 *
 * <p>Parts: {@link bitlab.search.haq.LayerStates} (the 10-feature, min-max normalised state),
 * {@link bitlab.search.haq.Pricing} (latency, energy or size of a policy, from a cost table),
 * {@link bitlab.search.haq.Repair} (the budget repair: the reference's last-layer-first order, or the cheapest bit
 * first), {@link bitlab.search.haq.Exploration} (the paper's, or starting from the uniform frontier and exploring
 * around the best policy so far, for short searches), {@link bitlab.search.haq.Ddpg} (actor-critic
 * MLPs on ND4J arrays, Adam from ND4J, replay buffer, truncated-normal exploration),
 * {@link bitlab.search.haq.AccuracyOracle} (accuracy of a policy, cached per distinct policy;
 * {@link bitlab.search.haq.PtqOracle} scores with static PTQ on the data set's validation images, optionally after
 * a short fine-tune of each policy on the training part, {@link bitlab.search.haq.FineTune}),
 * {@link bitlab.search.haq.Recheck} (optional: each method's best few policies scored again on more validation
 * images before it chooses, against the winner's curse).
 */
package bitlab.search.haq;
