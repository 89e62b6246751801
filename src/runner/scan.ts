/**
 * The scan: every listed file read once, safely (never through a symlink, never blocking on a FIFO, only regular
 * files, within the size limit), and a byte search (no decoding, no parse) for each engine's needles. Candidates
 * keep their bytes; the bytes of other source files are kept up to a budget for the cross-file passes.
 */
import fs from 'node:fs';
import type { Engine, EngineFinding, EngineOptions } from '../core/types.js';
import { engineFor } from '../engines.js';
import { MARKER_TAG } from '../report/annotate.js';
import type { FileReport } from '../report/model.js';
import { MAX_FILE_BYTES, skippedFindingOfBytes } from './process.js';
import { relativePath } from './paths.js';
import { stampOf, type FileStamp } from './write.js';

/** Bytes of non-candidate files kept in memory between the scan and the cross-file index (beyond it, they are read again). */
const KEEP_BUDGET = 128 * 1024 * 1024;

export interface Scan {
  /** Bytes of the candidates, by absolute path. */
  candidates: Map<string, Buffer>;
  /** Bytes of other source files, kept within KEEP_BUDGET. */
  kept: Map<string, Buffer>;
  /** Files settled by the scan itself (skipped, unreadable), with their report. */
  early: Map<string, FileReport>;
  /** Findings of files the scan skipped (a too-large file that imports a legacy module). */
  earlyFindings: Map<string, EngineFinding[]>;
  /** What each file was when read: compared again before a write. */
  stamps: Map<string, FileStamp>;
  /** Files listed but gone before they could be read. */
  gone: Set<string>;
  /** Candidates per engine id. */
  counts: Map<string, number>;
  /** Reads a file again: a view into a scratch buffer, valid until the next read; undefined when unreadable. */
  read(abs: string): Buffer | undefined;
}

/** `engines`: the engines the run uses (the listed files belong to them, or are files one of them claims). */
export function scanFiles(files: readonly string[], cwd: string, options: EngineOptions, engines: readonly Engine[]): Scan {
  const early = new Map<string, FileReport>();
  const candidates = new Map<string, Buffer>();
  // The scan reads every file straight into memory it may keep (no allocation, no fstat per file): the free end of
  // the arena below, else one scratch buffer; only the bytes of candidates are copied out. The limit is checked by
  // reading one byte more than it allows.
  const scratch = Buffer.allocUnsafe(MAX_FILE_BYTES + 1);
  // Never through a symlink (O_NOFOLLOW), never blocking on a FIFO (O_NONBLOCK), only regular files (fstat), and
  // what each file was when read (stamps: compared again before a write).
  const stamps = new Map<string, FileStamp>();
  const gone = new Set<string>();
  const earlyFindings = new Map<string, EngineFinding[]>();
  const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;
  const scanBytes = (abs: string, into: Buffer = scratch): Buffer | undefined => {
    let fd: number | undefined;
    try {
      fd = fs.openSync(abs, OPEN_FLAGS);
      const st = fs.fstatSync(fd, { bigint: true });
      if (!st.isFile()) {
        early.set(abs, { path: relativePath(cwd, abs), status: 'skipped', reason: `not a regular file (${st.isFIFO() ? 'a FIFO' : st.isDirectory() ? 'a folder' : 'a device or socket'}): not read` });
        return undefined;
      }
      stamps.set(abs, stampOf(st));
      let got = 0;
      const room = MAX_FILE_BYTES + 1;
      for (let n = -1; n !== 0 && got < room; got += n) n = fs.readSync(fd, into, got, room - got, null);
      if (got > MAX_FILE_BYTES) {
        const reason = `larger than ${MAX_FILE_BYTES} bytes`;
        early.set(abs, { path: relativePath(cwd, abs), status: 'skipped', reason });
        // Not analysed, but not a silent pass either: an import of a legacy module in it is a finding.
        const engine = engineFor(abs);
        if (engine) {
          // The whole file, read into one buffer of its size (no concatenation of a large file).
          const whole = Buffer.allocUnsafe(Math.max(Number(st.size), got));
          into.copy(whole, 0, 0, got);
          let size = got;
          for (let n = -1; n !== 0 && size < whole.length; size += n) n = fs.readSync(fd, whole, size, whole.length - size, null);
          // A file that grew since fstat: the rest too.
          const grown = size < whole.length ? undefined : fs.readFileSync(fd);
          const bytes = size < whole.length ? whole.subarray(0, size) : grown!.length ? Buffer.concat([whole, grown!]) : whole;
          const f = skippedFindingOfBytes(bytes, engine.id === 'python', reason, options);
          if (f) earlyFindings.set(abs, [f]);
        }
        return undefined;
      }
      return into.subarray(0, got);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A file listed (tracked by git, or seen by the walk) that is no longer there is simply not there.
      if (code === 'ENOENT') gone.add(abs);
      else if (code === 'ELOOP') early.set(abs, { path: relativePath(cwd, abs), status: 'skipped', reason: 'a symlink: not followed' });
      else if (code === 'ENXIO' || code === 'EAGAIN') early.set(abs, { path: relativePath(cwd, abs), status: 'skipped', reason: 'not a regular file: not read' });
      else early.set(abs, { path: relativePath(cwd, abs), status: 'error', reason: readError(err) });
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  };
  // The bytes of non-candidate source files are kept (up to a budget) for the cross-file passes, which look for
  // importers of local modules: they then search memory instead of reading the tree again. They are read into large
  // shared chunks (one allocation per 16 MiB, not one per file).
  const kept = new Map<string, Buffer>();
  // Per engine: the byte needles of its prefilter (and the review marker), and the files it takes whatever their bytes.
  const needles = new Map<Engine, Buffer[]>();
  const always = new Map<Engine, ((abs: string) => boolean) | undefined>();
  for (const e of engines) {
    needles.set(
      e,
      [...e.scanNeedles(options), MARKER_TAG].map((n) => Buffer.from(n)),
    );
    always.set(e, e.alwaysCandidates?.(options, cwd));
  }
  const counts = new Map<string, number>();
  const arena = new Arena(KEEP_BUDGET, MAX_FILE_BYTES + 1);
  for (const abs of files) {
    const view = scanBytes(abs, arena.free() ?? scratch);
    if (!view) continue;
    const engine = engineFor(abs);
    // Not a source file (a dependency file an engine claims): always a candidate.
    if (!engine || needles.get(engine)!.some((n) => view.includes(n)) || always.get(engine)?.(abs)) {
      candidates.set(abs, Buffer.from(view));
      if (engine) counts.set(engine.id, (counts.get(engine.id) ?? 0) + 1);
    } else {
      const bytes = arena.keep(view);
      if (bytes) kept.set(abs, bytes);
    }
  }
  return { candidates, kept, early, earlyFindings, stamps, gone, counts, read: (abs) => scanBytes(abs) };
}

function readError(err: unknown): string {
  return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'vanished before it could be read' : `could not be read: ${(err as Error).message}`;
}

/**
 * Byte ranges packed into large chunks, up to a total budget: a file is read into free() (the free end of the
 * current chunk, at least `room` bytes), then keep() keeps what was read there, or copies it when it was read
 * elsewhere; beyond the budget free() and keep() return undefined.
 */
class Arena {
  private chunk = Buffer.alloc(0);
  private used = 0;
  private total = 0;
  constructor(
    private readonly budget: number,
    private readonly room: number,
  ) {}

  free(): Buffer | undefined {
    if (this.total + this.room > this.budget) return undefined;
    if (this.used + this.room > this.chunk.length) {
      this.chunk = Buffer.allocUnsafe(Math.max(16 * 1024 * 1024, this.room));
      this.used = 0;
    }
    return this.chunk.subarray(this.used);
  }

  keep(bytes: Buffer): Buffer | undefined {
    if (this.total + bytes.length > this.budget) return undefined;
    const inPlace = bytes.buffer === this.chunk.buffer && bytes.byteOffset === this.chunk.byteOffset + this.used;
    if (!inPlace) {
      const at = this.free();
      if (!at) return undefined;
      at.set(bytes);
    }
    const out = this.chunk.subarray(this.used, this.used + bytes.length);
    this.used += bytes.length;
    this.total += bytes.length;
    return out;
  }
}
