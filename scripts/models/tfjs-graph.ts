/**
 * A tfjs graph model (`model.json` with `format: graph-model` plus its weight shards), read into nodes and
 * dequantised weights. The converters walk it; nothing here runs the graph.
 */
import { decodeTfjsWeights, type ManifestGroup, type TfjsWeightMap } from './tfjs-weights.js';

interface RawAttr {
  list?: { i?: string[]; s?: string[]; f?: number[] };
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  type?: string;
}

export interface TfjsNode {
  name: string;
  op: string;
  /** Data inputs by node name (`x:1` output suffixes and `^control` inputs removed). */
  inputs: string[];
  /** Output index of each data input (`x:1` → 1). */
  inputPorts: number[];
  attr: Record<string, RawAttr>;
}

export interface TfjsGraphModel {
  nodes: Map<string, TfjsNode>;
  weights: TfjsWeightMap;
  /** Where the model says it came from (`generatedBy`, e.g. a TF Hub URL) and who converted it. */
  generatedBy: string | null;
  convertedBy: string | null;
}

interface RawModel {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  modelTopology: { node: Array<{ name: string; op: string; input?: string[]; attr?: Record<string, RawAttr> }> };
  weightsManifest: ManifestGroup[];
}

/** Parses `model.json`; `shard(path)` returns the bytes of each weight file it names. */
export function parseTfjsGraphModel(modelJson: string, shard: (path: string) => Buffer, origin: string): TfjsGraphModel {
  const raw = JSON.parse(modelJson) as RawModel;
  if (raw.format !== 'graph-model') throw new Error(`${origin}: format ${raw.format} is not a tfjs graph model`);
  const nodes = new Map<string, TfjsNode>();
  for (const n of raw.modelTopology.node) {
    const data = (n.input ?? []).filter((i) => !i.startsWith('^'));
    nodes.set(n.name, {
      name: n.name,
      op: n.op,
      inputs: data.map((i) => i.replace(/:\d+$/, '')),
      inputPorts: data.map((i) => Number(/:(\d+)$/.exec(i)?.[1] ?? 0)),
      attr: n.attr ?? {},
    });
  }
  return {
    nodes,
    weights: decodeTfjsWeights(raw.weightsManifest, shard, origin),
    generatedBy: raw.generatedBy ?? null,
    convertedBy: raw.convertedBy ?? null,
  };
}

export function node(graph: TfjsGraphModel, name: string): TfjsNode {
  const n = graph.nodes.get(name);
  if (!n) throw new Error(`graph node ${name} is missing`);
  return n;
}

export function attrInts(n: TfjsNode, key: string): number[] {
  return (n.attr[key]?.list?.i ?? []).map(Number);
}

export function attrString(n: TfjsNode, key: string): string | null {
  const s = n.attr[key]?.s;
  return s === undefined ? null : Buffer.from(s, 'base64').toString('utf8');
}

export function attrStrings(n: TfjsNode, key: string): string[] {
  return (n.attr[key]?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
}

export function attrBool(n: TfjsNode, key: string): boolean {
  return n.attr[key]?.b === true;
}
