// Model files on disk (Node only): written atomically (a temporary file, flushed to the disk, renamed into
// place, so a failed save or a crash leaves an existing file as it was), and size-checked before reading.

import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { saveModel, loadModel } from './model-file.ts';
import type { Sequential } from '../model.ts';

const DEFAULT_MAX_BYTES = 2 ** 30;
/** Numbers this process's temporary files, so concurrent saves never share one. */
let saves = 0;

export async function saveModelFile(model: Sequential, path: string, options: { includeOptimizer?: boolean } = {}): Promise<void> {
  const bytes = saveModel(model, options);
  // A name of its own per call: concurrent saves to one path (same process too) must not share a temporary file.
  const temporary = `${path}.${process.pid}-${++saves}.tmp`;
  try {
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(bytes);
      // Without the flush a crash soon after the rename can leave an empty or partial file under `path`
      // (the rename may reach the disk before the data does).
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

export async function loadModelFile(path: string, options: { maxBytes?: number } = {}): Promise<Sequential> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const { size } = await stat(path);
  if (size > maxBytes) throw new Error(`model file ${path} is ${size} bytes, over the ${maxBytes}-byte limit`);
  return loadModel(await readFile(path), { maxBytes });
}
