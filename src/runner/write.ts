/** Atomic writes: a temp file in the same directory, the original mode kept, then a rename over the original. */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export function writeAtomic(file: string, data: string | Buffer): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.mongo-codemod-${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`);
  const mode = fs.statSync(file).mode & 0o7777;
  try {
    fs.writeFileSync(tmp, data, { mode });
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw err;
  }
}
