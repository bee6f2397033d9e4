import type { ClassRegistrations, Serializer, SerializerName } from "./contract.js";
import { TaggedJsonSerializer } from "./tagged-json.js";
import { V8Serializer } from "./v8.js";

export type {
  ClassAwareSerializer,
  ClassRegistrations,
  RegistrableClass,
  Serializer,
  SerializerName,
} from "./contract.js";
export { TaggedJsonSerializer } from "./tagged-json.js";
export { V8Serializer } from "./v8.js";

export const SERIALIZER_NAMES: readonly SerializerName[] = ["json", "v8"];

/**
 * A serializer by config name. `classes` are registered with the tagged-JSON serializer; the v8
 * serializer cannot rebuild classes and ignores them.
 */
export function createSerializer(name: "json", classes?: ClassRegistrations): TaggedJsonSerializer;
export function createSerializer(name: "v8", classes?: ClassRegistrations): V8Serializer;
export function createSerializer(name: SerializerName, classes?: ClassRegistrations): Serializer;
export function createSerializer(name: SerializerName, classes?: ClassRegistrations): Serializer {
  switch (name) {
    case "json":
      return new TaggedJsonSerializer(classes);
    case "v8":
      return new V8Serializer();
    default: {
      const unknownName: string = name;
      throw new Error(`unknown serializer "${unknownName}"; expected one of ${SERIALIZER_NAMES.join(", ")}`);
    }
  }
}
