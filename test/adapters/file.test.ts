import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStore } from '../../adapters/file.js';
import { testStore } from './conformance.js';

const directories: string[] = [];

testStore('file', {
  async make() {
    const directory = await mkdtemp(join(tmpdir(), 'caf-step-down-'));
    directories.push(directory);
    return fileStore({ directory });
  },
  async cleanup() {
    await Promise.all(directories.map((d) => rm(d, { recursive: true, force: true })));
  },
});
