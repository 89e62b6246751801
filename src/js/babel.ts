/** @babel/traverse is CommonJS with a `default` export; normalise the interop once here. */
import * as traverseNs from '@babel/traverse';
import type { TraverseOptions, Node } from '@babel/traverse';

type TraverseFn = (parent: Node, opts: TraverseOptions) => void;
const ns = traverseNs as unknown as { default: TraverseFn | { default: TraverseFn } };
const d = ns.default;
export const traverse: TraverseFn = typeof d === 'function' ? d : d.default;
