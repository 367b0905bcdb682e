/**
 * Which paths a RuleIndex reads in an event's top-level members once the
 * event's anchor values are known: only those of the rules filed under its
 * one anchor value, and of the scan list.
 */
import { type FlatEvent, type MemberPaths, type PathNode, PathTree, STRING } from './flatten.js';

/** What CandidatePaths needs of the index's buckets (the groups filed under one anchor value). */
export interface CandidateBucket {
  readonly groups: readonly CandidateGroup[];
  /** Kept on the bucket by CandidatePaths. */
  candidateTrees: MemberTrees | undefined;
}

interface CandidateGroup {
  readonly pattern: { readonly paths: readonly string[] };
}

/** For each top-level member of the index's paths (`members`), the paths under it some candidate reads. */
export interface MemberTrees {
  readonly owner: object;
  readonly members: readonly PathNode[];
  readonly narrowed: readonly PathNode[];
}

/** Read under a top-level member that no candidate rule reads: nothing (the scanner steps over it). */
const NO_PATHS: PathNode = new PathTree();
/** Narrowed trees built at most per set of groups (one per anchor value events came with); past it, every path is read. */
const MAX_CANDIDATE_TREES = 1024;

/**
 * Which paths to read in the top-level members of an event (`detail` above
 * all) once its anchor values are known: only those of the groups filed under
 * its one anchor value, and of the scan list. Profile, 10,000 rules under 100
 * sources: the scanner decoded 8 paths of every `detail` where the ~7 groups
 * under one source read 2-3, and that decoding was most of what 10,000 rules
 * cost over one. Applies while every anchor path is a top-level key, whose
 * leaves come from that one member (a repeat makes the scanner give up), so
 * once they are read no later member adds candidates; until then (the anchor's
 * own member included), and when an event's anchors lead to several groups'
 * lists, every path is read. Built for one set of groups: RuleIndex makes a
 * new one when its groups change.
 */
export class CandidatePaths<B extends CandidateBucket> implements MemberPaths {
  private underNone: MemberTrees | undefined;
  private built = 0;

  constructor(
    private readonly anchorSlots: readonly { readonly slot: number; readonly byValue: ReadonlyMap<string, B> }[],
    private readonly scanList: readonly CandidateGroup[],
    /** The index's slots and the tree of every path it reads. */
    private readonly paths: { readonly tree: PathTree; slot(path: string): number },
  ) {}

  pathsFor(node: PathNode, readSoFar: FlatEvent): PathNode {
    let only: B | null = null;
    for (let a = 0; a < this.anchorSlots.length; a++) {
      const { slot, byValue } = this.anchorSlots[a]!;
      const leaves = readSoFar.slots[slot];
      if (leaves === undefined) return node; // not read yet: it may come after this member
      for (let i = 0; i < leaves.length; i++) {
        const bucket = leaves[i]!.kind === STRING ? byValue.get(leaves[i]!.text!) : undefined;
        if (bucket === undefined || bucket === only) continue;
        if (only !== null) return node;
        only = bucket;
      }
    }
    const trees = this.treesFor(only);
    if (trees === undefined) return node;
    // By identity: a dotted key's node is no member of the root, and is read in full.
    for (let m = 0; m < trees.members.length; m++) if (trees.members[m] === node) return trees.narrowed[m]!;
    return node;
  }

  private treesFor(bucket: B | null): MemberTrees | undefined {
    const kept = bucket === null ? this.underNone : bucket.candidateTrees;
    if (kept !== undefined && kept.owner === this) return kept;
    if (this.built++ >= MAX_CANDIDATE_TREES) return undefined;
    const tree = new PathTree();
    for (const group of bucket === null ? this.scanList : [...bucket.groups, ...this.scanList]) {
      for (const path of group.pattern.paths) tree.add(path, this.paths.slot(path));
    }
    const root = this.paths.tree;
    const members = [...root.children.values()];
    const narrowed = [...root.children.keys()].map((key) => tree.children.get(key) ?? NO_PATHS);
    const trees: MemberTrees = { owner: this, members, narrowed };
    if (bucket === null) this.underNone = trees;
    else bucket.candidateTrees = trees;
    return trees;
  }
}
