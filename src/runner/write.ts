/**
 * Atomic writes: a temporary file in the same directory, the original mode, owner and group kept, then a rename over
 * the original. Nothing is written through a symlink, over a file with other hard links (the rename would split
 * them), or over a file that changed since it was read (a user's edit during the run). Temporary files are named
 * `.<name>.mongo-codemod-<pid>-<hex>.tmp` (isLeftover recognises them) and removed on SIGINT / SIGTERM
 * (removeTemporaryFiles).
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

/** What a file was when it was read: compared again just before the rename. */
export interface FileStamp {
  dev: number;
  ino: number;
  size: number;
  mtimeNs: bigint;
}

export function stampOf(st: fs.BigIntStats): FileStamp {
  return { dev: Number(st.dev), ino: Number(st.ino), size: Number(st.size), mtimeNs: st.mtimeNs };
}

/** A write refused for a reason the user can act on (the file is left as it was). */
export class WriteRefused extends Error {}

const LEFTOVER = /^\..+\.mongo-codemod-(\d+)-[0-9a-f]{8}\.tmp$/s;

/** Is this file name one of this tool's temporary files? */
export function isLeftover(base: string): boolean {
  return LEFTOVER.test(base);
}

/** The pid in a temporary file's name. */
export function leftoverPid(base: string): number | undefined {
  const m = LEFTOVER.exec(base);
  return m ? Number(m[1]) : undefined;
}

/** A temporary file of a run that is over (its process is gone): safe to remove. */
export function isStaleLeftover(file: string): boolean {
  const pid = leftoverPid(path.basename(file));
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes the stale temporary files among these; returns the ones removed. */
export function removeStaleLeftovers(files: readonly string[]): string[] {
  const removed: string[] = [];
  for (const f of files) {
    if (!isStaleLeftover(f)) continue;
    try {
      const st = fs.lstatSync(f);
      if (!st.isFile()) continue;
      fs.unlinkSync(f);
      removed.push(f);
    } catch {
      /* gone already */
    }
  }
  return removed;
}

/** Temporary files of this process that exist right now. */
const pending = new Set<string>();

/** Removes this process's temporary files (signal handlers call it). */
export function removeTemporaryFiles(): void {
  for (const tmp of pending) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
  pending.clear();
}

/**
 * Write `data` over `file`. `expected`: the file as it was read; a file that no longer matches it (size, mtime,
 * inode) is not written (WriteRefused). `original`: its bytes when read, compared too.
 */
export function writeAtomic(file: string, data: string | Buffer, expected?: FileStamp, original?: Buffer): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.mongo-codemod-${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`);
  const st = fs.lstatSync(file, { bigint: true });
  if (st.isSymbolicLink()) throw new WriteRefused('it is a symlink (symlinks are never followed)');
  if (!st.isFile()) throw new WriteRefused('not a regular file');
  if (st.nlink > 1n) throw new WriteRefused(`it has ${st.nlink} hard links: replacing it would split them; migrate it by hand or remove the other links`);
  if (expected && (Number(st.ino) !== expected.ino || Number(st.dev) !== expected.dev || Number(st.size) !== expected.size || st.mtimeNs !== expected.mtimeNs)) {
    throw new WriteRefused('it changed during the run (edited by someone else?): not written; run again');
  }
  const mode = Number(st.mode) & 0o7777;
  let fd: number | undefined;
  try {
    pending.add(tmp);
    fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    try {
      fs.fchownSync(fd, Number(st.uid), Number(st.gid));
    } catch (err) {
      const now = fs.fstatSync(fd);
      if (now.uid !== Number(st.uid) || now.gid !== Number(st.gid)) throw new WriteRefused(`its owner and group (${st.uid}:${st.gid}) cannot be kept: ${(err as Error).message}`);
    }
    fs.fchmodSync(fd, mode);
    fs.closeSync(fd);
    fd = undefined;
    if (original) {
      // The content too: a same-size edit within the mtime's resolution.
      let now: Buffer;
      try {
        now = readNoFollow(file);
      } catch {
        throw new WriteRefused('it changed during the run (edited by someone else?): not written; run again');
      }
      if (!now.equals(original)) throw new WriteRefused('it changed during the run (edited by someone else?): not written; run again');
    }
    fs.renameSync(tmp, file);
    pending.delete(tmp);
  } catch (err) {
    if (fd !== undefined) fs.closeSync(fd);
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    pending.delete(tmp);
    throw err;
  }
}

/** A regular file's bytes, never through a symlink (ELOOP) and never blocking on a FIFO. */
export function readNoFollow(file: string): Buffer {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  try {
    if (!fs.fstatSync(fd).isFile()) throw new WriteRefused('not a regular file');
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
