/**
 * Adam / AdamW step on one flat buffer, Keras 3 formulation:
 *   α = lr·√(1−β₂ᵗ)/(1−β₁ᵗ);  m += (g−m)(1−β₁);  v += (g²−v)(1−β₂);  p −= α·m/(√v + ε)
 * AdamW first decays p −= p·wd·lr (decoupled), as keras.optimizers.AdamW does.
 */
import type { AdamUpdateArgs } from '../kernels.js';

export function adamUpdate({ param, grad, m, v, learningRate, beta1, beta2, epsilon, step, weightDecay }: AdamUpdateArgs): void {
  const alpha = (learningRate * Math.sqrt(1 - Math.pow(beta2, step))) / (1 - Math.pow(beta1, step));
  const decay = 1 - weightDecay * learningRate;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    if (weightDecay !== 0) param[i] *= decay;
    m[i] += (g - m[i]) * (1 - beta1);
    v[i] += (g * g - v[i]) * (1 - beta2);
    param[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + epsilon);
  }
}
