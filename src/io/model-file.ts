/** saveModel / loadModel: a model JSON document on disk, written atomically (temp file + rename). */
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import type { BackendSpec } from '../kernels/backend.js';
import type { Sequential } from '../model/sequential.js';
import { modelFromJSON, modelToJSON, type ModelJSON } from './model-json.js';

/**
 * Writes the model (configs, weights, optional metadata and, for a compiled model unless `includeOptimizer`
 * is false, its training setup and optimizer state) to `path`; a crash never leaves a half-written file there.
 */
export async function saveModel(model: Sequential, path: string, options: { metadata?: Record<string, unknown>; includeOptimizer?: boolean } = {}): Promise<void> {
  const text = JSON.stringify(modelToJSON(model, options.metadata, { includeOptimizer: options.includeOptimizer }));
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** Reads a model written by saveModel; `metadata` is what was saved with it. */
export async function loadModel(path: string, options: { backend?: BackendSpec; seed?: number } = {}): Promise<{ model: Sequential; metadata: Record<string, unknown> }> {
  let json: ModelJSON;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as ModelJSON;
  } catch (err) {
    throw new Error(`loadModel: cannot read ${path}: ${(err as Error).message}`);
  }
  return { model: modelFromJSON(json, options), metadata: json.metadata ?? {} };
}
