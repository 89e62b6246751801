/**
 * Comments and docstrings of a migrated file follow its code: a Motor class named in them becomes its PyMongo
 * counterpart (`Optional[AsyncIOMotorClientSession]` -> `Optional[AsyncClientSession]`, a qualified
 * `motor.motor_asyncio.AsyncIOMotorClient` -> `pymongo.AsyncMongoClient`), and "motor <handle>" prose names the
 * PyMongo handle ("the motor session" -> "the pymongo session"), in files that import Motor; in the other files of a
 * project that depends on Motor, only the class names in docstrings. Other strings (values the program uses) and any other
 * mention of Motor are left as they are.
 */
import type { Node } from './parse.js';
import { edit, type Ctx } from './context.js';
import { MOTOR_CLASSES, type Target } from '../presets/motor-python.js';

const TARGETS = new Map<string, Target>(Object.values(MOTOR_CLASSES).flatMap((m) => Object.entries(m).map(([name, c]) => [name, c.target] as const)));
const CLASS_NAMES = [...TARGETS.keys()].sort((a, b) => b.length - a.length).join('|');
/** A Motor class name, optionally qualified by its module (`motor.motor_asyncio.`, `motor_asyncio.`, `motor.core.`). */
const CLASS_MENTION = new RegExp(`\\b((?:motor\\.)?(?:motor_asyncio|core|motor_gridfs)\\.)?(${CLASS_NAMES})\\b`, 'g');
/** "motor" naming one of the driver's handles in prose. */
const HANDLE_PROSE = /\b(motor|Motor|MOTOR)(?=[ -](?:client|database|db|collection|cursor|session|transaction|change stream|gridfs|bucket)s?\b)/gi;

export function docsPhase(ctx: Ctx): void {
  const { text, root } = ctx;
  const motorFile = ctx.info.motorStatements.length > 0;
  if (!motorFile && !ctx.project) return;
  const inDocs = new Map<number, boolean>(); // node start -> comment or docstring
  const where = (at: number): boolean => {
    const n = docNode(root, at);
    if (!n) return false;
    let v = inDocs.get(n.startIndex);
    // a file that never imported Motor: its docstrings only (a comment there may be history: "we used to use Motor")
    if (v === undefined) inDocs.set(n.startIndex, (v = (n.type === 'comment' && motorFile) || isDocstring(n)));
    return v;
  };
  for (const m of text.matchAll(CLASS_MENTION)) {
    const at = m.index;
    if (!where(at)) continue;
    const target = TARGETS.get(m[2]!)!;
    edit(ctx, 'docs', at, at + m[0].length, m[1] ? `${target.module}.${target.name}` : target.name);
  }
  // prose only where the file itself imported Motor: elsewhere "the Motor client" may well be about Motor itself
  if (!motorFile) return;
  for (const m of text.matchAll(HANDLE_PROSE)) {
    const at = m.index;
    if (!where(at)) continue;
    const word = m[1]!;
    const to = word === 'MOTOR' ? 'PYMONGO' : word === 'Motor' ? 'PyMongo' : word === 'motor' ? 'pymongo' : undefined;
    if (to) edit(ctx, 'docs', at, at + word.length, to);
  }
}

/** The comment or string that contains this offset, if any. */
function docNode(root: Node, at: number): Node | null {
  for (let n: Node | null = root.descendantForIndex(at); n; n = n.parent) {
    if (n.type === 'comment' || n.type === 'string') return n;
    if (n.type === 'expression_statement' || n.type === 'block' || n.type === 'module') return null;
  }
  return null;
}

/** A string that is the first statement of a module, class or function body. */
function isDocstring(s: Node): boolean {
  if (s.type !== 'string') return false;
  const stmt = s.parent;
  if (stmt?.type !== 'expression_statement' || stmt.namedChildCount !== 1) return false;
  const body = stmt.parent;
  if (!body || body.namedChildren.find((c) => c !== null && c.type !== 'comment')?.id !== stmt.id) return false;
  if (body.type === 'module') return true;
  return body.type === 'block' && (body.parent?.type === 'function_definition' || body.parent?.type === 'class_definition');
}
