// A minimal ONNX model writer for the ONNX Runtime peers: one LSTM or GRU node (plus, for batch > 1, the
// two Transpose nodes that batch-major inputs and outputs need), written as protobuf bytes in memory at
// bench time from the same seeded weights as every other peer. No Python, no schema file, nothing
// generated on disk. Only the handful of onnx.proto fields used here are encoded; the bench's correctness
// gate (ONNX Runtime's output against the f64 reference) is what proves the file right.
//
// onnx.proto (proto2) field numbers used:
//   ModelProto       1 ir_version, 2 producer_name, 7 graph, 8 opset_import
//   OperatorSetId    1 domain, 2 version
//   GraphProto       1 node, 2 name, 5 initializer, 11 input, 12 output
//   NodeProto        1 input, 2 output, 3 name, 4 op_type, 5 attribute
//   AttributeProto   1 name, 3 i, 8 ints, 20 type (INT = 2, INTS = 7)
//   TensorProto      1 dims, 2 data_type (FLOAT = 1), 8 name, 9 raw_data
//   ValueInfoProto   1 name, 2 type → TypeProto 1 tensor_type → 1 elem_type, 2 shape → 1 dim → 1 dim_value

/** Protobuf wire-format writer: varints, length-delimited fields and nested messages. */
class Writer {
  private bytes: number[] = [];

  private varint(v: number): void {
    // Non-negative integers below 2^53 only (sizes, enum values, field keys).
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }

  int(field: number, v: number): this {
    this.varint(field * 8);
    this.varint(v);
    return this;
  }

  raw(field: number, data: Uint8Array): this {
    this.varint(field * 8 + 2);
    this.varint(data.length);
    for (const b of data) this.bytes.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.raw(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Writer): this {
    return this.raw(field, m.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const FLOAT = 1;

export interface Initializer { name: string; dims: number[]; data: Float32Array }
export interface Node { op: string; inputs: string[]; outputs: string[]; ints?: Record<string, number>; intLists?: Record<string, number[]> }
export interface ValueInfo { name: string; dims: number[] }

function tensorProto(t: Initializer): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, FLOAT).string(8, t.name);
  // raw_data is little-endian float32, which is every platform Node runs on.
  return w.raw(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function valueInfo(v: ValueInfo): Writer {
  const shape = new Writer();
  for (const d of v.dims) shape.message(1, new Writer().int(1, d));
  const tensorType = new Writer().int(1, FLOAT).message(2, shape);
  return new Writer().string(1, v.name).message(2, new Writer().message(1, tensorType));
}

function nodeProto(n: Node, index: number): Writer {
  const w = new Writer();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, `${n.op.toLowerCase()}_${index}`).string(4, n.op);
  for (const [name, v] of Object.entries(n.ints ?? {})) w.message(5, new Writer().string(1, name).int(3, v).int(20, 2));
  for (const [name, vs] of Object.entries(n.intLists ?? {})) {
    const a = new Writer().string(1, name);
    for (const v of vs) a.int(8, v);
    w.message(5, a.int(20, 7));
  }
  return w;
}

/** A float32 ONNX model (IR 8, opset 17) of `nodes`, with `initializers` as constant weights. */
export function onnxModel(g: { nodes: Node[]; initializers: Initializer[]; inputs: ValueInfo[]; outputs: ValueInfo[] }): Uint8Array {
  const graph = new Writer();
  g.nodes.forEach((n, i) => graph.message(1, nodeProto(n, i)));
  graph.string(2, 'recur_bench');
  for (const t of g.initializers) graph.message(5, tensorProto(t));
  for (const v of g.inputs) graph.message(11, valueInfo(v));
  for (const v of g.outputs) graph.message(12, valueInfo(v));
  return new Writer()
    .int(1, 8)
    .string(2, 'recur-bench')
    .message(7, graph)
    .message(8, new Writer().string(1, '').int(2, 17))
    .finish();
}
