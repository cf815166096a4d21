// Row ↔ value helpers every SQL repository shares. Lists are JSON text and booleans integers, so
// one implementation serves both engines; PostgreSQL may hand numbers back as strings.

export const json = (value: unknown): string => JSON.stringify(value);

/** PostgreSQL text cannot hold NUL: a key containing one names nothing, on every engine alike. */
export const unstorable = (key: string): boolean => key.includes('\u0000');
export const list = (text: string): string[] => JSON.parse(text) as string[];
export const bool = (value: boolean): number => (value ? 1 : 0);
export const num = (value: number | string | bigint): number => Number(value);
export const optNum = (value: number | string | bigint | null): number | null => (value === null ? null : Number(value));
