/**
 * The reference backend: plain TypeScript, readable, no tricks. It is the
 * specification — every faster backend is tested against it.
 */
import type { Kernels } from '../kernels.js';
import { activationBackward, activationForward } from './activations.js';
import { adamUpdate } from './adam.js';
import { denseBackward, denseForward } from './dense.js';
import { embeddingBackward, embeddingForward } from './embedding.js';
import { withRnnInput } from './rnn-input.js';
import { gruBackward, gruForward } from './gru.js';
import { lstmBackward, lstmForward } from './lstm.js';
import { simpleRnnBackward, simpleRnnForward } from './simple-rnn.js';

const [simpleRnnF, simpleRnnB] = withRnnInput('simpleRnnForward', simpleRnnForward, simpleRnnBackward);
const [lstmF, lstmB] = withRnnInput('lstmForward', lstmForward, lstmBackward);
const [gruF, gruB] = withRnnInput('gruForward', gruForward, gruBackward);

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
