import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

/** The tag of this machine the file store puts in its temporary files' and locks' names. */
export const hostTag = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** The id of a process that has exited: nothing runs under it (until the system reuses it). */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}
