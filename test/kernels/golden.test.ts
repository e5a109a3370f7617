import { referenceKernels } from '../../src/kernels/reference/index.js';
import { runGoldenSuite } from './golden-suite.js';

runGoldenSuite(referenceKernels);
