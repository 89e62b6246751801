/**
 * The one Finding model shared by every engine (JS/TS and Python) and every report format.
 * Lines and columns are 1-based and refer to the file as it was before the run.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Path relative to the working directory, '/' separators. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The manual fix, in words or as code. */
  fix?: string;
}

/** A finding as an engine produces it, before the runner attaches the file path. */
export type EngineFinding = Omit<Finding, 'file'>;

export type Mode = 'run' | 'check';

/** Options every engine receives; engines ignore what does not concern them. */
export interface EngineOptions {
  mode: Mode;
  /** `auto` or a preset name (motor, native, motor-python, ...). */
  preset: string;
  /** --wrapper-module values: bare package names, or absolute paths (relative ones are resolved against cwd by the CLI). */
  wrapperModules: string[];
  /** Parsed --wrapper spec files. */
  wrapperSpecs: WrapperSpec[];
  toList: 'loop' | 'to-array';
  /** Absolute path of the working directory (for resolving relative wrapper modules). */
  cwd: string;
  /**
   * Python: handles other modules of the run export (`<dotted.module>.<name>` or `fixture:<name>` -> kind,
   * `factory:<kind>` or `asyncFactory:<kind>`), filled by the runner's first pass.
   */
  pythonImportedHandles?: Record<string, string>;
  /**
   * Python run-wide facts, filled by the runner's first pass: methods the engine would rename that a file of the run
   * defines (`def get_motor_collection`: calls to it are the project's own), and the Beanie document classes the
   * run's files define (`<dotted.module>.<Class>`, every suffix of the file's module path).
   */
  pythonRunFacts?: { definedMethods: string[]; beanieDocuments: string[] };
  /** Folders (absolute) of the run's Python files that import Motor: dependency files above them pin for that code. */
  pythonMotorDirs?: string[];
  /**
   * JS/TS cross-file index, filled by the runner's first pass: for each file of the run that exports handles
   * (its absolute path without extension or /index), export name -> tracked kind (`=` for `module.exports = x`).
   */
  jsModuleExports?: Record<string, Record<string, unknown>>;
  /**
   * JS/TS run-wide tracking facts (src/tracking/facts.ts), merged by the runner from every tracked file: framework
   * slots, parameters of exported functions and classes from their call sites in other files, fastify mongo plugins.
   */
  /** JS/TS: parse even when the prefilter finds nothing (the runner's tracking-facts round sets it for the files the facts concern). */
  jsForceParse?: boolean;
  jsRunFacts?: { slots: Record<string, unknown>; params: Record<string, Record<string, unknown[] | null>>; plugins: string[] };
  /** Callback presets: the driver major the old code ran on (default: read from package.json / lockfile). */
  from?: number;
  /** Callback presets: the target major, 6 or 7 (default 7). */
  target?: number;
  /** Callback presets: `.value` reads of findOneAnd* results: drop them (`document`) or keep the metadata (`metadata`). */
  modifyResult?: 'document' | 'metadata';
}

/** A declarative description of an in-house Motor-style wrapper whose names differ from Motor's. */
export interface WrapperSpec {
  /** Shown in reports. */
  name?: string;
  /** Module specifiers: bare names or paths relative to the spec file (resolved by the loader to absolute paths). */
  modules: string[];
  /** Exported names mapped to the Motor name they stand for, e.g. { "DbClient": "AsyncIOMotorClient" }. */
  exports?: Record<string, string>;
  /** Exported functions that return a handle: { "connect": { "returns": "client", "async": true } }. */
  factories?: Record<string, { returns: HandleKindName; async?: boolean }>;
  /** Per handle kind, wrapper method names mapped to the Motor method names, e.g. { "cursor": { "all": "toList" } }. */
  methods?: Partial<Record<HandleKindName, Record<string, string>>>;
}

export type HandleKindName = 'client' | 'db' | 'collection' | 'cursor' | 'commandCursor' | 'session' | 'changeStream' | 'bucket';

export interface FileInput {
  /** Absolute path. */
  absPath: string;
  /** Path relative to cwd with '/' separators (used in reports). */
  relPath: string;
  /** File text without the BOM (the runner strips and restores it). */
  text: string;
}

export interface EngineResult {
  /** The new text, or null when nothing changes. */
  output: string | null;
  findings: EngineFinding[];
  /** Package names whose dependency entry should be migrated (e.g. 'motor' -> 'mongodb'). */
  replacedPackages?: string[];
  /** Set when the engine decided to leave the file alone because it could not process it. */
  error?: string;
  /** JS/TS: the handles the file exports (for the cross-file index), when the file was parsed. */
  exports?: Record<string, unknown>;
  /** JS/TS: what the file tells the run about handles flowing into code (src/tracking/facts.ts), when it was parsed. */
  facts?: Record<string, unknown>;
}

export interface Engine {
  /** 'js' or 'python'. */
  id: string;
  extensions: readonly string[];
  /** Presets this engine implements (for `presets` and `--preset`). */
  presets: readonly PresetInfo[];
  /** Cheap text test: does this file deserve a parse? Must not have false negatives for files the engine would change or flag. */
  prefilter(text: string, options: EngineOptions, file?: string): boolean;
  process(file: FileInput, options: EngineOptions): EngineResult | Promise<EngineResult>;
  /** Byte needles of the runner's scan (no decoding): a file of this engine holding none of them is not a candidate. */
  scanNeedles(options: EngineOptions): readonly string[];
  /** Files of this engine that are candidates whatever their bytes (the runner asks once per run). */
  alwaysCandidates?(options: EngineOptions, cwd: string): ((abs: string) => boolean) | undefined;
  /** Other files the engine reads besides its source files (dependency manifests), by cwd-relative path. */
  claims?(rel: string, options: EngineOptions): boolean;
  /** Cross-file first pass, before any file of this engine is processed: options every file of the run must see. */
  crossFile?(run: CrossFileRun, options: EngineOptions): Promise<Partial<EngineOptions>>;
  /** Drops what the cross-file pass kept in this thread (before worker threads start, and at the end of the run). */
  release?(): Promise<void>;
}

/** What the runner hands an engine's cross-file pass. */
export interface CrossFileRun {
  /** The run's files this engine handles (absolute paths, in run order). */
  files: string[];
  /** Bytes of the candidates so far, by absolute path (of every engine). */
  candidates: Map<string, Buffer>;
  /** The bytes of any file of the run (a transient view, valid until the next call), undefined when unreadable. */
  bytesOf(abs: string): Buffer | undefined;
  /** The files of `among` (not yet candidates) whose bytes name one of `names` become candidates; returns them. */
  promote(names: string[], among: string[]): string[];
  /** The path reports use (cwd-relative, forward slashes). */
  rel(abs: string): string;
}

export interface PresetInfo {
  name: string;
  language: 'js' | 'python';
  description: string;
  modules: string[];
}
