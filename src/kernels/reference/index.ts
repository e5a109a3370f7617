/**
 * The reference backend: plain TypeScript, readable, no tricks. It is the
 * specification — every faster backend is tested against it.
 */
import type { Kernels } from '../kernels.js';
import { activationBackward, activationForward } from './activations.js';
import { adamUpdate } from './adam.js';
import { denseBackward, denseForward } from './dense.js';
import { embeddingBackward, embeddingForward } from './embedding.js';
import { withEmbeddedInput } from './embedded-input.js';
import { gruBackward, gruForward } from './gru.js';
import { lstmBackward, lstmForward } from './lstm.js';
import { simpleRnnBackward, simpleRnnForward } from './simple-rnn.js';

const [simpleRnnF, simpleRnnB] = withEmbeddedInput('simpleRnnForward', simpleRnnForward, simpleRnnBackward);
const [lstmF, lstmB] = withEmbeddedInput('lstmForward', lstmForward, lstmBackward);
const [gruF, gruB] = withEmbeddedInput('gruForward', gruForward, gruBackward);

export const referenceKernels: Kernels = {
  name: 'reference',
  denseForward,
  denseBackward,
  embeddingForward,
  embeddingBackward,
  activationForward,
  activationBackward,
  simpleRnnForward: simpleRnnF,
  simpleRnnBackward: simpleRnnB,
  lstmForward: lstmF,
  lstmBackward: lstmB,
  gruForward: gruF,
  gruBackward: gruB,
  adamUpdate,
};
