/**
 * Binary data for the `bin` envelope: typed arrays, DataView, ArrayBuffer and Buffer as base64 of
 * their bytes (only the bytes the view covers). Multi-byte element types use the platform's byte
 * order (little-endian on every platform Node supports in practice).
 */
import { SerializationError } from "../errors/errors.js";

type ViewConstructor = new (buffer: ArrayBuffer) => ArrayBufferView;

const VIEW_CONSTRUCTORS: Readonly<Record<string, ViewConstructor>> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
};

export interface BinaryEnvelopeFields {
  t: string;
  v: string;
}

/** The envelope fields for `value`, or undefined when it is not binary data this codec knows. */
export function encodeBinary(value: object): BinaryEnvelopeFields | undefined {
  if (ArrayBuffer.isView(value)) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
    if (Buffer.isBuffer(value)) return { t: "Buffer", v: bytes };
    const type = value.constructor.name;
    return Object.hasOwn(VIEW_CONSTRUCTORS, type) ? { t: type, v: bytes } : undefined;
  }
  if (value instanceof ArrayBuffer) return { t: "ArrayBuffer", v: Buffer.from(value).toString("base64") };
  return undefined;
}

/** Rebuilds the value of a `bin` envelope; `where` is the formatted path for error messages. */
export function decodeBinary(type: string, base64: string, where: string): unknown {
  const bytes = Buffer.from(base64, "base64");
  if (type === "Buffer") return bytes;
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  if (type === "ArrayBuffer") return buffer;
  const ctor = Object.hasOwn(VIEW_CONSTRUCTORS, type) ? VIEW_CONSTRUCTORS[type] : undefined;
  if (ctor === undefined) throw new SerializationError(`${where}: unknown binary type "${type}"`);
  try {
    return new ctor(buffer);
  } catch (error) {
    throw new SerializationError(`${where}: cannot rebuild ${type} from ${bytes.length} bytes`, {
      cause: error,
    });
  }
}
