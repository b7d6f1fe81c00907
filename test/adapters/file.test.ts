import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStore, fileStoreName } from '../../adapters/file.js';
import { testStore } from './conformance.js';
import { testSealing, type Raw, type SealedPlace } from './sealing-suite.js';

const directories: string[] = [];
const cleanup = async () => void (await Promise.all(directories.map((d) => rm(d, { recursive: true, force: true }))));

async function directory(): Promise<string> {
  const made = await mkdtemp(join(tmpdir(), 'caf-step-down-'));
  directories.push(made);
  return made;
}

testStore('file', {
  make: async () => fileStore({ directory: await directory() }),
  cleanup,
});

const sealedKey = randomBytes(32);
testStore('file (sealed)', {
  make: async () => fileStore({ directory: await directory(), encryption: { keys: { k: sealedKey }, current: 'k' } }),
  cleanup,
});

/** The file store's data as someone with the disk sees it: the case file and the audit log's lines. */
async function filePlace(): Promise<SealedPlace> {
  const dir = await directory();
  const name = fileStoreName;
  const casePath = (caseId: string) => join(dir, 'cases', `${name(caseId)}.json`);
  const auditPath = (caseId: string) => join(dir, 'audit', `${name(caseId)}.jsonl`);
  const lines = async (caseId: string) => (await readFile(auditPath(caseId), 'utf8')).split('\n').filter((l) => l.length > 0);
  return {
    open: (encryption) => fileStore({ directory: dir, encryption }),
    async raw() {
      const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
      const texts = await Promise.all(files.map(async (f) => `${f.name}\n${await readFile(join(f.parentPath, f.name), 'utf8')}`));
      return texts.join('\n');
    },
    async readEntry(caseId, seq) {
      return (await lines(caseId)).map((l) => JSON.parse(l) as Raw).find((e) => e.seq === seq)!;
    },
    async writeEntry(caseId, seq, entry) {
      const edited = (await lines(caseId)).map((l) => ((JSON.parse(l) as Raw).seq === seq ? JSON.stringify(entry) : l));
      await writeFile(auditPath(caseId), `${edited.join('\n')}\n`);
    },
    async readSnapshot(caseId) {
      return JSON.parse(await readFile(casePath(caseId), 'utf8')).record.snapshot as Raw;
    },
    async writeSnapshot(caseId, snapshot) {
      const file = JSON.parse(await readFile(casePath(caseId), 'utf8'));
      await writeFile(casePath(caseId), JSON.stringify({ ...file, record: { ...file.record, snapshot } }));
    },
  };
}

testSealing('file', { place: filePlace, cleanup });
