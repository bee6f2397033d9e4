/**
 * The serializer contract: turns task arguments and results into strings and back.
 *
 * Implementations throw `SerializationError` on failure; the message names the path inside the
 * value that could not be handled, e.g. `value.items[2].callback: functions cannot be serialized`.
 */
export interface Serializer {
  readonly name: string;
  serialize(value: unknown): string;
  deserialize(text: string): unknown;
}

/** Names of the built-in serializers. */
export type SerializerName = "json" | "v8";

/**
 * A class that can be registered with a serializer. Non-Error classes must implement the
 * JsonSerializable protocol: an instance method `toJSON()` and a static `fromJSON(data)`.
 * Error classes may be registered without it; they are then rebuilt with their own prototype.
 */
export type RegistrableClass = abstract new (...args: never[]) => unknown;

/** Classes to register at construction: a list (registered under `cls.name`) or a name → class record. */
export type ClassRegistrations = Iterable<RegistrableClass> | Readonly<Record<string, RegistrableClass>>;

/** A serializer that reconstructs registered classes by name. */
export interface ClassAwareSerializer extends Serializer {
  registerClass(cls: RegistrableClass, name?: string): void;
}
