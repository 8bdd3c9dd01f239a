import { evaluateExpressionSync, evaluateUnaryExpressionSync, ZenEngine } from '@gorules/zen-engine';
import { invalid } from '../kernel/index.ts';

/**
 * Checks a decision graph before it may be published, and names the node at fault: the document's
 * shape, one input node and an output node, edges that join existing nodes, no cycle, every node on a
 * path from the input to an output, expressions and table cells that parse, that the engine compiles
 * it, and that on sample applications it returns what the pipeline needs (outcome, reasons, grade,
 * annualRate, upfrontFeeRate).
 */
export interface GraphNode {
  id: string;
  type: string;
  name: string;
  content?: Record<string, unknown>;
}

export interface GraphEdge {
  id: string;
  sourceId: string;
  targetId: string;
}

export interface GraphDocument {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const REQUIRED_OUTPUTS = ['outcome', 'reasons', 'grade', 'annualRate', 'upfrontFeeRate'] as const;

function fail(code: string, message: string, node?: GraphNode | string): never {
  const id = typeof node === 'string' ? node : node?.id;
  const name = typeof node === 'string' ? undefined : node?.name;
  throw invalid(code, message, id === undefined ? undefined : { nodeId: id, nodeName: name });
}

/** The document's shape: nodes and edges with the fields the engine needs. */
export function parseGraph(content: unknown): GraphDocument {
  const doc = content as { nodes?: unknown; edges?: unknown } | null;
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.nodes) || !Array.isArray(doc.edges)) {
    fail('graph_malformed', 'a decision graph has a "nodes" array and an "edges" array');
  }
  const ids = new Set<string>();
  for (const [index, node] of (doc.nodes as unknown[]).entries()) {
    const n = node as Partial<GraphNode> | null;
    if (!n || typeof n.id !== 'string' || typeof n.type !== 'string' || typeof n.name !== 'string') {
      fail('graph_node_malformed', `node ${index} needs a string id, type and name`);
    }
    if (ids.has(n.id)) fail('graph_node_duplicate', `two nodes have the id ${n.id}`, n.id);
    ids.add(n.id);
  }
  for (const [index, edge] of (doc.edges as unknown[]).entries()) {
    const e = edge as Partial<GraphEdge> | null;
    if (!e || typeof e.sourceId !== 'string' || typeof e.targetId !== 'string') {
      fail('graph_edge_malformed', `edge ${index} needs a sourceId and a targetId`);
    }
  }
  return {
    nodes: doc.nodes as GraphNode[],
    edges: (doc.edges as GraphEdge[]).map((e, i) => ({ ...e, id: e.id ?? `edge-${i}` })),
  };
}

export function checkStructure(graph: GraphDocument): void {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const inputs = graph.nodes.filter((n) => n.type === 'inputNode');
  const outputs = graph.nodes.filter((n) => n.type === 'outputNode');
  if (inputs.length !== 1)
    fail('graph_needs_one_input', `a graph has exactly one input node (found ${inputs.length})`);
  if (outputs.length === 0) fail('graph_needs_an_output', 'a graph needs an output node');
  const next = new Map<string, string[]>(graph.nodes.map((n) => [n.id, []]));
  const previous = new Map<string, string[]>(graph.nodes.map((n) => [n.id, []]));
  for (const edge of graph.edges) {
    if (!byId.has(edge.sourceId))
      fail(
        'graph_edge_to_unknown_node',
        `edge ${edge.id} starts at no node (${edge.sourceId})`,
        edge.sourceId,
      );
    if (!byId.has(edge.targetId))
      fail('graph_edge_to_unknown_node', `edge ${edge.id} ends at no node (${edge.targetId})`, edge.targetId);
    next.get(edge.sourceId)!.push(edge.targetId);
    previous.get(edge.targetId)!.push(edge.sourceId);
  }
  // Depth-first search with colours: a grey node met again closes a cycle through it.
  const colour = new Map<string, 'grey' | 'black'>();
  const visit = (id: string): void => {
    colour.set(id, 'grey');
    for (const target of next.get(id)!) {
      const c = colour.get(target);
      if (c === 'grey')
        fail(
          'graph_cyclic',
          `the graph has a cycle through node "${byId.get(target)!.name}"`,
          byId.get(target),
        );
      if (c === undefined) visit(target);
    }
    colour.set(id, 'black');
  };
  for (const node of graph.nodes) if (!colour.has(node.id)) visit(node.id);
  const reach = (start: string[], edges: Map<string, string[]>) => {
    const seen = new Set(start);
    const stack = [...start];
    while (stack.length > 0) {
      for (const n of edges.get(stack.pop()!)!) {
        if (seen.has(n)) continue;
        seen.add(n);
        stack.push(n);
      }
    }
    return seen;
  };
  const fromInput = reach([inputs[0]!.id], next);
  const toOutput = reach(
    outputs.map((o) => o.id),
    previous,
  );
  for (const node of graph.nodes) {
    if (!fromInput.has(node.id))
      fail('graph_node_unreachable', `node "${node.name}" cannot be reached from the input`, node);
    if (!toOutput.has(node.id)) fail('graph_node_dead_end', `node "${node.name}" leads to no output`, node);
  }
}

/** Every expression and table cell must parse; evaluating them on an empty context finds syntax errors. */
export function checkExpressions(graph: GraphDocument): void {
  const parses = (check: () => unknown) => {
    try {
      check();
      return true;
    } catch (error) {
      return !String((error as Error).message).includes('parserError');
    }
  };
  for (const node of graph.nodes) {
    const content = node.content ?? {};
    if (node.type === 'expressionNode') {
      for (const e of (content.expressions as { key?: string; value?: string }[] | undefined) ?? []) {
        if (typeof e.value !== 'string' || !parses(() => evaluateExpressionSync(e.value!, {}))) {
          fail(
            'graph_expression_invalid',
            `the expression for "${e.key}" in node "${node.name}" does not parse: ${e.value}`,
            node,
          );
        }
      }
    }
    if (node.type === 'decisionTableNode') {
      const inputs = (content.inputs as { id: string; field?: string }[] | undefined) ?? [];
      const outputs = (content.outputs as { id: string }[] | undefined) ?? [];
      for (const input of inputs) {
        if (input.field && !parses(() => evaluateExpressionSync(input.field!, {}))) {
          fail(
            'graph_expression_invalid',
            `the input field ${input.field} of node "${node.name}" does not parse`,
            node,
          );
        }
      }
      for (const rule of (content.rules as Record<string, string>[] | undefined) ?? []) {
        for (const input of inputs) {
          const cell = rule[input.id];
          if (cell && !parses(() => evaluateUnaryExpressionSync(cell, { $: null }))) {
            fail(
              'graph_expression_invalid',
              `rule ${rule._id ?? '?'} of node "${node.name}" has a cell that does not parse: ${cell}`,
              node,
            );
          }
        }
        for (const output of outputs) {
          const cell = rule[output.id];
          if (cell && !parses(() => evaluateExpressionSync(cell, {}))) {
            fail(
              'graph_expression_invalid',
              `rule ${rule._id ?? '?'} of node "${node.name}" has an output that does not parse: ${cell}`,
              node,
            );
          }
        }
      }
    }
  }
}

/** Compiles the graph with the engine (catches what the checks above do not know about). */
export function checkCompiles(graph: GraphDocument): void {
  try {
    new ZenEngine().createDecision(graph as never).validate();
  } catch (error) {
    fail(
      'graph_does_not_compile',
      `the engine refuses the graph: ${String((error as Error).message).split('\n')[0]}`,
    );
  }
}

/** Checks one evaluation's output against the pipeline's contract. */
export function checkOutputs(result: Record<string, unknown>, sample: string): void {
  for (const field of REQUIRED_OUTPUTS) {
    if (result[field] === undefined)
      fail('graph_output_missing', `on the ${sample} sample the graph gives no "${field}"`);
  }
  if (!['approve', 'refer', 'decline'].includes(result.outcome as string)) {
    fail(
      'graph_output_invalid',
      `on the ${sample} sample "outcome" is ${JSON.stringify(result.outcome)}, not approve, refer or decline`,
    );
  }
  if (!Array.isArray(result.reasons) || !(result.reasons as unknown[]).every((r) => typeof r === 'string')) {
    fail('graph_output_invalid', `on the ${sample} sample "reasons" is not a list of strings`);
  }
  if (result.outcome !== 'decline' && !/^0(\.\d{1,6})?$/.test(String(result.annualRate))) {
    fail(
      'graph_output_invalid',
      `on the ${sample} sample "annualRate" is ${JSON.stringify(result.annualRate)}, not a decimal string below 1`,
    );
  }
}

/** A runtime error from the engine, with the node it names. */
export function nodeErrorOf(error: unknown): { nodeId?: string; message: string } {
  const text = String((error as Error)?.message ?? error).split('\n')[0] ?? '';
  try {
    const parsed = JSON.parse(text) as { nodeId?: string; source?: string; type?: string };
    return {
      ...(parsed.nodeId ? { nodeId: parsed.nodeId } : {}),
      message: parsed.source ?? parsed.type ?? text,
    };
  } catch {
    return { message: text };
  }
}
