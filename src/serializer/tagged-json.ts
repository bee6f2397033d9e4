/**
 * The default serializer, `"json"`: plain JSON for plain data (byte-identical to JSON.stringify,
 * so call ids of simple arguments match pynenc's), tagged envelopes (see envelope.ts) for what
 * JSON cannot carry.
 *
 * Semantics worth knowing:
 * - Shared references are allowed and come back as separate copies; cycles are refused.
 * - Only own enumerable string keys are kept (as with JSON); symbol keys are ignored.
 * - Boxed primitives (`new Number(1)`) come back as primitives; Map/Set subclasses as Map/Set.
 * - Class instances need the JsonSerializable protocol (`toJSON()` + static `fromJSON(data)`) and
 *   registration; Error instances are always accepted and come back as their registered class,
 *   their built-in class, or a plain Error with the same name, message, stack, cause and props.
 */
import { SerializationError } from "../errors/errors.js";
import { ClassRegistry } from "./class-registry.js";
import type { ClassAwareSerializer, ClassRegistrations, RegistrableClass } from "./contract.js";
import { TAG } from "./envelope.js";
import { TaggedJsonDecoder } from "./tagged-json-decode.js";
import { TaggedJsonEncoder } from "./tagged-json-encode.js";

const TAG_IN_TEXT = `"${TAG}"`;

export class TaggedJsonSerializer implements ClassAwareSerializer {
  readonly name = "json";
  private readonly classes: ClassRegistry;
  private readonly encoder: TaggedJsonEncoder;
  private readonly decoder: TaggedJsonDecoder;

  constructor(classes?: ClassRegistrations) {
    this.classes = new ClassRegistry(classes);
    this.encoder = new TaggedJsonEncoder(this.classes);
    this.decoder = new TaggedJsonDecoder(this.classes);
  }

  /**
   * Registers a class under `name` (default `cls.name`). Non-Error classes must implement
   * `toJSON()` and static `fromJSON(data)`; Error classes may be registered as they are.
   */
  registerClass(cls: RegistrableClass, name?: string): void {
    this.classes.register(cls, name);
  }

  serialize(value: unknown): string {
    let encoded: unknown;
    try {
      encoded = this.encoder.encode(value);
    } catch (error) {
      throw asSerializationError(error, this.encoder.currentPath());
    }
    try {
      return JSON.stringify(encoded);
    } catch (error) {
      throw new SerializationError(`value: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }

  deserialize(text: string): unknown {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const preview = text.length > 80 ? `${text.slice(0, 80)}...` : text;
      throw new SerializationError(`invalid JSON ${JSON.stringify(preview)}`, { cause: error });
    }
    // Fast path: without the reserved key anywhere in the text there is no envelope to revive.
    if (typeof parsed !== "object" || parsed === null || !text.includes(TAG_IN_TEXT)) return parsed;
    try {
      return this.decoder.decode(parsed);
    } catch (error) {
      throw asSerializationError(error, this.decoder.currentPath());
    }
  }
}

/** Errors from user code (getters, proxies) reached during a walk, as SerializationError with the path. */
function asSerializationError(error: unknown, path: string): SerializationError {
  if (error instanceof SerializationError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SerializationError(`${path}: ${message}`, { cause: error });
}
