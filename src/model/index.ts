export { Sequential, type SequentialOptions, type CompileOptions } from './sequential.js';
export { History, type Callback, type Logs } from './history.js';
export { NonFiniteLossError, type FitOptions } from './training.js';
