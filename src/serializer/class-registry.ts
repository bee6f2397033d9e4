/**
 * Classes known to a serializer by name: JsonSerializable classes (instance `toJSON()` plus static
 * `fromJSON(data)`) and Error classes. Lookup is by exact prototype, so a subclass must be
 * registered itself.
 */
import { SerializationError } from "../errors/errors.js";
import type { ClassRegistrations, RegistrableClass } from "./contract.js";

interface MaybeJsonSerializableClass {
  readonly name: string;
  readonly prototype: unknown;
  readonly fromJSON?: unknown;
}

export interface RegisteredClass {
  readonly name: string;
  readonly cls: RegistrableClass;
  /** True when the class implements toJSON + static fromJSON (used in preference to the error form). */
  readonly jsonSerializable: boolean;
  readonly isError: boolean;
}

function hasStaticFromJSON(cls: MaybeJsonSerializableClass): boolean {
  return typeof cls.fromJSON === "function";
}

function hasInstanceToJSON(proto: unknown): boolean {
  return typeof proto === "object" && proto !== null && typeof Reflect.get(proto, "toJSON") === "function";
}

export class ClassRegistry {
  private readonly byName = new Map<string, RegisteredClass>();
  private readonly byPrototype = new Map<unknown, RegisteredClass>();

  constructor(classes?: ClassRegistrations) {
    if (classes === undefined) return;
    if (Symbol.iterator in classes) {
      for (const cls of classes as Iterable<RegistrableClass>) this.register(cls);
    } else {
      for (const [name, cls] of Object.entries(classes)) this.register(cls, name);
    }
  }

  register(cls: RegistrableClass, name: string = cls.name): void {
    const info = cls as unknown as MaybeJsonSerializableClass;
    if (typeof cls !== "function" || typeof info.prototype !== "object" || info.prototype === null) {
      throw new SerializationError("registerClass: expected a class");
    }
    if (name === "")
      throw new SerializationError("registerClass: the class has no name; pass one explicitly");
    const isError = info.prototype instanceof Error || (info.prototype as unknown) === Error.prototype;
    const jsonSerializable = hasInstanceToJSON(info.prototype) && hasStaticFromJSON(info);
    if (!jsonSerializable && !isError) {
      throw new SerializationError(
        `registerClass(${name}): ${protocolHint(info, hasInstanceToJSON(info.prototype))}`,
      );
    }
    const existing = this.byName.get(name);
    if (existing !== undefined && existing.cls !== cls) {
      throw new SerializationError(`registerClass: the name "${name}" is already used by another class`);
    }
    const entry: RegisteredClass = { name, cls, jsonSerializable, isError };
    this.byName.set(name, entry);
    this.byPrototype.set(info.prototype, entry);
  }

  byProto(proto: unknown): RegisteredClass | undefined {
    return this.byPrototype.get(proto);
  }

  get(name: string): RegisteredClass | undefined {
    return this.byName.get(name);
  }
}

function protocolHint(cls: MaybeJsonSerializableClass, hasToJSON: boolean): string {
  const name = cls.name || "anonymous class";
  const fromJSON = hasStaticFromJSON(cls);
  if (hasToJSON && !fromJSON) {
    return `class ${name} has toJSON() but no static fromJSON(data); add static fromJSON(data) so it can be rebuilt`;
  }
  if (!hasToJSON && fromJSON) {
    return `class ${name} has static fromJSON(data) but no toJSON() instance method; add toJSON()`;
  }
  return `class ${name} must implement toJSON() and static fromJSON(data)`;
}

/** The message for an instance of a class the serializer does not know. */
export function unregisteredInstanceMessage(value: object, proto: unknown): string {
  const ctor = typeof proto === "object" && proto !== null ? Reflect.get(proto, "constructor") : undefined;
  const cls: MaybeJsonSerializableClass =
    typeof ctor === "function" ? (ctor as MaybeJsonSerializableClass) : { name: "", prototype: proto };
  const name = cls.name || "anonymous class";
  const hasToJSON = typeof Reflect.get(value, "toJSON") === "function";
  if (hasToJSON && hasStaticFromJSON(cls)) {
    return `instance of class ${name} cannot be serialized: the class implements toJSON()/fromJSON() but is not registered; call registerClass(${name})`;
  }
  return (
    `instance of class ${name} cannot be serialized: ${protocolHint(cls, hasToJSON)}, ` +
    `then register the class with registerClass(${name})`
  );
}
