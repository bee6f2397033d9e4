/**
 * Class identity by brand, not by name: a class is marked with a global symbol
 * (`Symbol.for("tsnenc.<Name>")`) on its prototype, so its instances and those of its
 * subclasses are recognised even when two copies of tsnenc are loaded (a test runner and a
 * compiled app, say) or when class names are minified.
 */

type AnyClass = abstract new (...args: never[]) => unknown;

/** The global symbol of brand `name`. */
export function brandSymbol(name: string): symbol {
  return Symbol.for(`tsnenc.${name}`);
}

/** Marks `cls` (and so every subclass) with brand `name`. */
export function brandClass(cls: AnyClass, name: string): void {
  Object.defineProperty(cls.prototype, brandSymbol(name), { value: true, enumerable: false });
}

/** Whether `value` is an instance of a class branded `name` (by any copy of tsnenc). */
export function hasBrand<T>(value: unknown, name: string): value is T {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[brandSymbol(name)] === true
  );
}
