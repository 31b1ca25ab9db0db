// Validation of option objects and values passed to the public API, with errors that name the option,
// what was expected and what was given.

/** Throws if `options` is not a plain object or has a key outside `allowed`. */
export function checkOptions(options: unknown, allowed: readonly string[], where: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${where}: options must be an object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new Error(`${where}: unknown option "${key}" (expected one of: ${allowed.join(', ')})`);
    }
  }
  return options as Record<string, unknown>;
}

/** Returns `value` if it is one of `choices` (or `fallback` when undefined); throws otherwise. */
export function oneOf<T extends string>(value: unknown, choices: readonly T[], name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new Error(`${name} must be one of ${choices.map((c) => `"${c}"`).join(', ')}, got ${JSON.stringify(value)}`);
}

/** An integer ≥ min (default 1). */
export function integer(value: unknown, name: string, fallback?: number, min = 1): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A finite number within [min, max]. */
export function number(value: unknown, name: string, fallback: number, min = -Infinity, max = Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new Error(`${name} must be a finite number ${range}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function boolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new Error(`${name} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

/** A layer or model name: letters, digits, underscores (it becomes a prefix of tensor names). */
export function identifier(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw new Error(`${name} must be an identifier (letters, digits, _; not starting with a digit), got ${JSON.stringify(value)}`);
  }
  return value;
}
