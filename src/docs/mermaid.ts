/**
 * Mermaid state diagrams generated from the machine definitions, so the docs can never describe a
 * lifecycle the code does not implement (a test compares them). Leaf states are drawn flat; events a
 * parent state accepts in all its children without moving are listed in a note.
 */
import type { AnyStateMachine } from 'xstate';

interface Node {
  key: string;
  type: string;
  states: Record<string, Node>;
  transitions: Map<string, Array<{ target?: ReadonlyArray<Node> }>>;
  initial?: { target: ReadonlyArray<Node> };
}

const leafOf = (n: Node): Node => (n.initial?.target[0] ? leafOf(n.initial.target[0]) : n);

export function mermaidStateDiagram(machine: AnyStateMachine, options: { hide?: string[] } = {}): string {
  const hide = new Set(options.hide ?? []);
  const lines = ['stateDiagram-v2'];
  const notes: string[] = [];
  const visit = (node: Node, isRoot: boolean) => {
    const children = Object.values(node.states);
    if (isRoot && node.initial?.target[0]) lines.push(`  [*] --> ${leafOf(node.initial.target[0]).key}`);
    if (!isRoot && children.length > 0) {
      const stay = [...node.transitions]
        .filter(([e, defs]) => !hide.has(e) && defs.every((d) => !d.target?.length))
        .map(([e]) => e);
      if (stay.length > 0)
        notes.push(
          `  note right of ${leafOf(node).key}\n    In every ${node.key} state: ${stay.join(', ')}\n  end note`,
        );
    }
    if (children.length === 0 || !isRoot) {
      const edges = new Map<string, string[]>();
      for (const [event, defs] of node.transitions) {
        if (hide.has(event)) continue;
        for (const d of defs) {
          const target = d.target?.[0] ? leafOf(d.target[0]).key : children.length === 0 ? node.key : null;
          if (!target) continue;
          const list = edges.get(target) ?? [];
          if (!list.includes(event)) list.push(event);
          edges.set(target, list);
        }
      }
      for (const [target, events] of edges)
        lines.push(`  ${children.length === 0 ? node.key : leafOf(node).key} --> ${target}: ${events.join(', ')}`);
      if (node.type === 'final') lines.push(`  ${node.key} --> [*]`);
    }
    for (const c of children) visit(c, false);
  };
  visit(machine.root as unknown as Node, true);
  return [...lines, ...notes].join('\n');
}
